import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { copyTables, verifyTables } from '../../../server/db/pg-copy/copy.js';
import { planCopy } from '../../../server/db/pg-copy/plan.js';
import { openPostgres } from '../../../server/db/postgres.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { acquireInstanceLock } from '../../../server/modules/backup/instance-lock.js';
import { seedDatabase } from '../../../server/seed/seed.js';
import { postgresTicketSearchCondition } from '../../../server/search/postgres-index.js';
import { createTestApp, tempDir } from '../../helpers/app.js';
import { kefuCommand } from '../../helpers/cli.js';
import { freePort } from '../../helpers/dovecot.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { makeArticle } from '../kb/fixtures.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

const configDir = tempDir('kefu-pg-copy-');
let dataDir = '';
const configFile = path.join(configDir, 'config.yaml');
let refundTicket = 0;

/** A desk with a bit of everything, written through the app, then stopped. */
async function seededInstance(): Promise<string> {
  // The copy's source is SQLite whichever driver the rest of the run uses.
  const t = await createTestApp({ database: { driver: 'sqlite' } });
  await seedDatabase(t.ctx.database, { tickets: 12, messagesPerTicket: 3, agents: 3, contacts: 6, seed: 7 });
  const refund = await inboundTicket(t, { subject: '申请退款', text: '我想申请退款，订单 1042 一直没到。' });
  refundTicket = refund.ticketId;
  const duplicate = await inboundTicket(t, { subject: 'Parcel?', text: 'Has my parcel shipped?' });
  const later = await inboundTicket(t, { subject: 'Parcel', text: 'Where is my parcel?' });
  const api = as(t, t.admin);

  const boundary = 'kefucopy';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="收据.txt"\r\nContent-Type: text/plain\r\n\r\n`),
    Buffer.from('receipt 1042'),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const up = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', payload, headers: { ...t.admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
  expect(up.statusCode, up.body).toBe(201);
  const attachmentId = up.json<{ attachment: { id: number } }>().attachment.id;
  expect((await api.post(`/tickets/${refund.ticketId}/messages`, { kind: 'reply', text: '已为您办理退款。', attachmentIds: [attachmentId] })).status).toBe(201);

  expect((await api.post('/labels', { name: '退款' })).status).toBe(201);
  expect((await api.patch(`/tickets/${refund.ticketId}`, { labels: ['退款'] })).status).toBe(200);
  await makeArticle(t, { title: '如何申请退款', body: '打开 **订单**，点击退款。', locale: 'zh-CN', status: 'published', questions: ['怎么退钱'] });
  const hook = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.admin.headers, payload: { url: 'https://hooks.example.test/kefu', events: ['ticket.created'] } });
  expect(hook.statusCode, hook.body).toBe(201);
  const csat = await t.app.inject({ method: 'PATCH', url: '/api/v1/csat/settings', headers: t.admin.headers, payload: { csat: { enabled: true } } });
  expect(csat.statusCode, csat.body).toBe(200);
  // An older ticket merged into a newer one refers forward, which the copy must order around.
  const merge = await api.post(`/tickets/${duplicate.ticketId}/merge`, { intoTicketId: later.ticketId });
  expect(merge.status, JSON.stringify(merge.body)).toBe(200);

  await t.app.close();
  await t.ctx.close();
  return t.dataDir;
}

const run = (...args: string[]) =>
  spawnSync(process.execPath, kefuCommand('migrate-to-postgres', ...args, '--config', configFile), { encoding: 'utf8', timeout: 120_000 });

function sqliteTables(): string[] {
  const source = openDatabase(databaseFile(dataDir), { readonly: true });
  try {
    return source.sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kb_fts%' and name not in ('kefu_migrations', 'kefu_migrations_lock', 'search_queue') order by name")
      .pluck()
      .all() as string[];
  } finally {
    void source.close();
  }
}

function sqliteQuery<T>(query: string): T[] {
  const source = openDatabase(databaseFile(dataDir), { readonly: true });
  try {
    return source.sqlite.prepare(query).all() as T[];
  } finally {
    void source.close();
  }
}

describe.skipIf(postgresUnavailable() !== null)('kefu migrate-to-postgres', () => {
  const postgres = usePostgres();

  beforeAll(async () => {
    dataDir = await seededInstance();
    writeFileSync(configFile, `data_dir: ${dataDir}\nlog:\n  level: silent\n`);
  }, 60_000);
  afterAll(() => {
    rmSync(configDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies every table with equal rows, continues the sequences, indexes search, and refuses a second run', async () => {
    const url = await postgres.freshDatabase();
    const first = run('--url', url);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^ {2}tickets +\d+ rows {2}sha256 [0-9a-f]{12} {2}ok$/m);
    expect(first.stdout).toContain('every row count and checksum matches');
    expect(first.stdout).toContain('  database:\n    driver: postgres\n    url: ');
    expect(first.stdout).toContain('then start Kefu again: it serves from PostgreSQL');

    const target = openPostgres({ url, poolSize: 1 });
    try {
      const tables = sqliteTables();
      expect(tables).toEqual(expect.arrayContaining(['tickets', 'messages', 'attachments', 'message_attachments', 'ticket_labels', 'kb_articles', 'webhooks', 'csat_settings']));
      for (const table of tables) {
        const [source] = sqliteQuery<{ n: number }>(`select count(*) as n from "${table}"`);
        const copied = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(target.db);
        expect({ table, rows: copied.rows[0]?.n }).toEqual({ table, rows: source?.n });
      }
      for (const table of ['tickets', 'messages', 'attachments', 'kb_articles', 'webhooks', 'labels']) {
        const fromSqlite = sqliteQuery<Record<string, unknown>>(`select * from "${table}" order by id`);
        const fromPostgres = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(target.db);
        expect(fromSqlite.length).toBeGreaterThan(0);
        expect(fromPostgres.rows).toEqual(fromSqlite);
      }
      const merged = await sql<{ n: number }>`select count(*) as n from tickets where merged_into_id > id`.execute(target.db);
      expect(merged.rows[0]?.n).toBe(1);

      const [agents] = sqliteQuery<{ max: number }>('select max(id) as max from agents');
      const added = await sql<{ id: number }>`insert into agents (email, name, role, created_at, updated_at) values ('new@example.test', 'New', 'agent', 1, 1) returning id`.execute(target.db);
      expect(added.rows[0]?.id).toBe((agents?.max ?? 0) + 1);
      const [messages] = sqliteQuery<{ max: number }>('select max(id) as max from messages');
      const next = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('messages', 'id')) as id`.execute(target.db);
      expect(next.rows[0]?.id).toBe((messages?.max ?? 0) + 1);

      const condition = postgresTicketSearchCondition('退款');
      if (!condition) throw new Error('退款 must be searchable');
      const found = await sql<{ id: number }>`select id from tickets where ${condition} order by id`.execute(target.db);
      expect(found.rows.map((r) => r.id)).toContain(refundTicket);
      const queued = await sql<{ n: number }>`select count(*) as n from search_queue`.execute(target.db);
      expect(queued.rows[0]?.n).toBe(0);
    } finally {
      await target.close();
    }

    const second = run('--url', url);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/^kefu migrate-to-postgres: refused: the target database already holds Kefu data \(in [a-z_, …]+\); give the URL of an empty database\nnothing was copied\.\n$/);
  }, 120_000);

  it('copies a ticket merged into a newer one across insert batches, and its checksum catches a changed value', async () => {
    const target = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    const source = openDatabase(databaseFile(dataDir), { readonly: true });
    const client = await target.pool.connect();
    try {
      await migrateToLatest(target, '');
      const plans = await planCopy(source.sqlite, client);
      await copyTables(source.sqlite, client, plans, 1);
      const checks = await verifyTables(source.sqlite, client, plans);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      const merged = await client.query<{ n: number }>('select count(*) as n from tickets where merged_into_id > id');
      expect(merged.rows[0]?.n).toBe(1);

      // The checksum sees a changed value that leaves the row count alone.
      await client.query(`update messages set text = text || ' ' where id = (select min(id) from messages)`);
      const after = await verifyTables(source.sqlite, client, plans);
      expect(after.filter((c) => !c.ok).map((c) => ({ table: c.table, sameRows: c.source.rows === c.target.rows }))).toEqual([{ table: 'messages', sameRows: true }]);
    } finally {
      client.release();
      await source.close();
      await target.close();
    }
  }, 60_000);

  it('refuses while Kefu is running on the data directory, copying nothing', async () => {
    const url = await postgres.freshDatabase();
    const urlFile = path.join(configDir, 'url');
    writeFileSync(urlFile, `${url}\n`);
    const lock = acquireInstanceLock(dataDir, 'serve');
    let res;
    try {
      // Through --url-file, which must connect before the lock is even tried.
      res = run('--url-file', urlFile);
    } finally {
      lock.release();
    }
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^kefu migrate-to-postgres: refused: Kefu is running on ${dataDir} \\(serve, pid ${process.pid} on [^)]+\\); stop it first`));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const tables = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
      expect(tables.rows[0]).toEqual({ n: 0 });
    } finally {
      await client.end();
    }
  }, 60_000);

  it('exits 2 naming --url on a refused connection or a URL that is not PostgreSQL', async () => {
    const port = await freePort();
    const refused = run('--url', `postgres://kefu:s3cret-pw@127.0.0.1:${port}/kefu`);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`^kefu: --url: connection refused by 127\\.0\\.0\\.1:${port}`));
    expect(refused.stderr).not.toContain('s3cret-pw');

    const wrong = run('--url', 'mysql://kefu:s3cret-pw@db/kefu');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('kefu: --url: expected a URL starting with postgres:// (or postgresql://)\n');
  }, 60_000);
});
