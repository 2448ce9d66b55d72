import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createContext, type AppContext } from '../../../server/context.js';
import { openDatabase } from '../../../server/db/database.js';
import { intake } from '../../../server/intake/intake.js';
import { createLogger } from '../../../server/logger.js';
import { openIndexFile } from '../../../server/search/index-file.js';
import { Indexer } from '../../../server/search/indexer.js';
import { ticketIdsMatching } from '../../../server/search/queries.js';
import { SearchIndex } from '../../../server/search/search-index.js';
import { searchAll } from '../../../server/search/service.js';
import { tempDir } from '../../helpers/app.js';
import { sqliteOf, sqliteSearchOf } from '../../helpers/sqlite-handle.js';

const logger = createLogger('silent', { pretty: false });
const admin = { id: 1, name: 'Admin', role: 'admin' as const };
const open: AppContext[] = [];
let seq = 0;

async function context(dataDir = tempDir()): Promise<AppContext> {
  const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), logger);
  open.push(ctx);
  return ctx;
}

afterEach(async () => {
  for (const ctx of open.splice(0)) await ctx.close();
});

async function receive(ctx: AppContext, text: string, subject = 'Question'): Promise<{ messageId: number; ticketId: number }> {
  const n = ++seq;
  return intake(ctx, {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: `visitor-${n}` }, name: `Visitor ${n}` },
    subject,
    text,
    idempotencyKey: `index-test-${n}`,
  });
}

const found = async (ctx: AppContext, q: string) => (await searchAll(ctx, admin, { q, limit: 50, filters: {} })).messages.map((m) => m.messageId);

describe('the search index', () => {
  it('lives in search.sqlite next to the database, not in it', async () => {
    const ctx = await context();
    expect(sqliteSearchOf(ctx.search).file).toBe(path.join(ctx.paths.data, 'search.sqlite'));
    expect(existsSync(sqliteSearchOf(ctx.search).file)).toBe(true);
    const inMain = sqliteOf(ctx.database).sqlite
      .prepare(`select name from main.sqlite_master where name like 'search_%' and type = 'table' order by name`)
      .all();
    expect(inMain).toEqual([{ name: 'search_queue' }]);
  });

  it('is written by its own thread, and a search sees every message stored before it', async () => {
    const ctx = await context();
    expect(await ctx.search.start()).toBe(true);
    const ids: number[] = [];
    for (let i = 0; i < 30; i++) ids.push((await receive(ctx, `parcel number ${i} 包裹延迟`)).messageId);
    // No wait between the last write and the search: the search asks the thread to catch up.
    expect((await found(ctx, 'parcel')).sort((a, b) => a - b)).toEqual(ids);
    expect(await found(ctx, '包裹')).toHaveLength(30);
    const last = await receive(ctx, 'zebra crossing');
    expect(await found(ctx, 'zebra')).toEqual([last.messageId]);
  });

  it('reports what is stored but not yet searchable in /metrics', async () => {
    const ctx = await context();
    const backlog = async () => Number(/^kefu_search_index_backlog (\d+)$/m.exec(await ctx.metrics.registry.metrics())?.[1]);
    // Nothing has started the thread yet (a serving process starts it with the workers).
    for (let i = 0; i < 3; i++) await receive(ctx, `backlog ${i}`);
    expect(await backlog()).toBe(9); // a message, a ticket and a contact each
    expect(await ctx.search.caughtUp()).toBe(true);
    expect(await backlog()).toBe(0);
  });

  it('takes in edits and deletes, and empties the change queue behind it', async () => {
    const ctx = await context();
    const { messageId, ticketId } = await receive(ctx, 'the blue kettle leaks', 'Kettle');
    expect(await found(ctx, 'kettle')).toEqual([messageId]);

    await ctx.db.updateTable('messages').set({ text: 'the red teapot leaks' }).where('id', '=', messageId).execute();
    expect(await found(ctx, 'kettle')).toEqual([]);
    expect(await found(ctx, 'teapot')).toEqual([messageId]);
    await ctx.db.updateTable('tickets').set({ subject: 'Teapot trouble' }).where('id', '=', ticketId).execute();
    expect((await searchAll(ctx, admin, { q: 'trouble', limit: 5, filters: {} })).tickets.map((t) => t.ticket.id)).toEqual([ticketId]);

    await ctx.db.deleteFrom('messages').where('id', '=', messageId).execute();
    expect(await found(ctx, 'teapot')).toEqual([]);
    const queue = sqliteOf(ctx.database).sqlite.prepare('select count(*) as n from search_queue').get() as { n: number };
    expect(queue.n).toBe(0);
  });

  it('throws away an index that has read past its database (a restore of an older backup) and builds it again', async () => {
    const olderDir = tempDir();
    const older = await context(olderDir);
    const kept = await receive(older, 'alpha only in the older copy');
    await older.close();

    const newer = await context();
    for (let i = 0; i < 5; i++) await receive(newer, `bravo ${i}`);
    await receive(newer, 'alpha in the newer one too');
    expect(await found(newer, 'bravo')).toHaveLength(5);
    await newer.close();
    // The newer database's index, now beside the older database.
    copyFileSync(sqliteSearchOf(newer.search).file, path.join(olderDir, 'search.sqlite'));

    const restored = await context(olderDir);
    expect(await found(restored, 'bravo')).toEqual([]);
    expect(await found(restored, 'alpha')).toEqual([kept.messageId]);
  });

  it('builds a new index in place of an unreadable one instead of refusing to start', async () => {
    const dataDir = tempDir();
    const first = await context(dataDir);
    const { messageId } = await receive(first, 'sapphire ring');
    await first.close();
    writeFileSync(path.join(dataDir, 'search.sqlite'), 'this is not a database');
    rmSync(path.join(dataDir, 'search.sqlite-wal'), { force: true });
    rmSync(path.join(dataDir, 'search.sqlite-shm'), { force: true });
    const again = await context(dataDir);
    expect(await found(again, 'sapphire')).toEqual([messageId]);
  });

  it('indexes inline, at search time, when its thread cannot start', async () => {
    const ctx = await context();
    const other = openDatabase(sqliteOf(ctx.database).file);
    const index = new SearchIndex(other, { logger, task: new URL('./no-such-index-task.js', import.meta.url) });
    try {
      expect(await index.start()).toBe(false);
      const { ticketId } = await receive(ctx, 'quartz watch strap');
      expect(await index.caughtUp()).toBe(true);
      expect(await ticketIdsMatching(index.queries, other.db, 'quartz')).toEqual([ticketId]);
    } finally {
      await index.close();
      await other.close();
    }
  });

  it('neither skips nor doubles a row when two indexers share the files', async () => {
    const ctx = await context();
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push((await receive(ctx, `token${i}x unique`)).messageId);
    const handles = [0, 1].map(() => ({
      source: new SqliteDatabase(sqliteOf(ctx.database).file),
      target: openIndexFile(sqliteSearchOf(ctx.search).file),
    }));
    try {
      const [a, b] = handles.map((h) => new Indexer(h.source, h.target)) as [Indexer, Indexer];
      a.resetIfStale();
      b.resetIfStale();
      // Small batches, taken in turns: each must start where the other stopped.
      for (let i = 0; i < 8; i++) (i % 2 === 0 ? a : b).step(3);
      expect(a.reached(a.heads())).toBe(true);
      const vocab = handles[0]!.target;
      vocab.exec(`create virtual table temp.vocab using fts5vocab('main', 'search_messages', 'row')`);
      const docs = vocab.prepare(`select term, doc from temp.vocab where term like 'token%x'`).all() as Array<{ term: string; doc: number }>;
      expect(docs).toHaveLength(12);
      expect(docs.every((d) => d.doc === 1)).toBe(true);
    } finally {
      for (const h of handles) {
        h.source.close();
        h.target.close();
      }
    }
  });
});
