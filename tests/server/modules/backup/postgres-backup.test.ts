import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { create as createTar, extract as extractTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { createContext, type AppContext } from '../../../../server/context.js';
import { backupJob } from '../../../../server/jobs/backup.js';
import { createLogger } from '../../../../server/logger.js';
import { storeBuffer } from '../../../../server/modules/attachments/storage.js';
import { postgresTools } from '../../../../server/modules/backup/commands.js';
import { pgConnection, PgToolMissing } from '../../../../server/modules/backup/pg-tools.js';
import { restoreBackup, RestoreRefused } from '../../../../server/modules/backup/restore.js';
import { createBackup, listBackups } from '../../../../server/modules/backup/service.js';
import { postgresUnavailable, usePostgres } from '../../../helpers/postgres.js';

/**
 * Backups of a desk on PostgreSQL: the real pg_dump and pg_restore of the installed server, an
 * archive like SQLite's (manifest, attachments, secret), restored into an empty database.
 */
const logger = createLogger('silent');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('the PostgreSQL connection handed to pg_dump', () => {
  it('carries the password in PGPASSWORD, never in the arguments', () => {
    const c = pgConnection('postgres://kefu:s%40cret@db.internal:5433/kefu?sslmode=require');
    expect(c.dbname).toBe('postgres://kefu@db.internal:5433/kefu?sslmode=require');
    expect(c.env).toEqual({ PGPASSWORD: 's@cret' });
  });
});

describe.skipIf(postgresUnavailable())('backup and restore on PostgreSQL', () => {
  const postgres = usePostgres();

  async function instance(dir?: string, extra: Record<string, unknown> = {}): Promise<AppContext> {
    const data = dir ?? mkdtempSync(path.join(os.tmpdir(), 'kefu-pg-backup-'));
    if (!dir) cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const config = configFromObject({ data_dir: data, database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 2 }, ...extra });
    const ctx = await createContext(config, logger);
    cleanups.push(() => ctx.close());
    return ctx;
  }

  async function addAgent(ctx: AppContext, email: string): Promise<void> {
    const t = Date.now();
    await ctx.db.insertInto('agents').values({ email, name: email.split('@')[0]!, role: 'agent', language: 'en', preferences: '{}', active: 1, created_at: t, updated_at: t }).execute();
  }

  async function addAttachment(ctx: AppContext, name: string, content: string): Promise<string> {
    const stored = storeBuffer(ctx.paths.attachments, Buffer.from(content));
    await ctx.db.insertInto('attachments').values({ sha256: stored.sha256, name, content_type: 'text/plain', size: stored.size, created_at: Date.now() }).execute();
    return stored.sha256;
  }

  const emails = async (ctx: AppContext) => (await ctx.db.selectFrom('agents').select('email').orderBy('email').execute()).map((r) => r.email);
  const fileOf = (dir: string, sha: string): string => path.join(dir, 'attachments', sha.slice(0, 2), sha.slice(2, 4), sha);
  const backupOf = (ctx: AppContext, keep = 7) => createBackup({ database: ctx.database, postgres: postgresTools(ctx.config), paths: ctx.paths, keep, logger });

  it('dumps with pg_dump into the same archive and restores it with pg_restore into an empty database', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const sha = await addAttachment(ctx, '合同.pdf', 'the contract');
    const backup = await backupOf(ctx);
    expect(backup.manifest).toMatchObject({ database: 'kefu.pgdump', attachments: 1, hasSecret: true });
    expect(backup.manifest.migrations.length).toBeGreaterThan(10);
    const unpacked = mkdtempSync(path.join(os.tmpdir(), 'kefu-pg-unpacked-'));
    cleanups.push(() => rmSync(unpacked, { recursive: true, force: true }));
    await extractTar({ file: backup.file, cwd: unpacked });
    expect(readdirSync(unpacked).sort()).toEqual(['attachments', 'kefu.pgdump', 'manifest.json', 'secret.key']);
    // pg_dump's custom format starts with its magic bytes.
    expect(readFileSync(path.join(unpacked, 'kefu.pgdump')).subarray(0, 5).toString()).toBe('PGDMP');

    // A new machine: an empty data directory and an empty database.
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'kefu-pg-fresh-'));
    cleanups.push(() => rmSync(fresh, { recursive: true, force: true }));
    const target = { url: await postgres.freshDatabase() };
    const result = await restoreBackup(fresh, backup.file, { postgres: target });
    expect(result.replacedDir).toBeNull();
    expect(readFileSync(fileOf(fresh, sha), 'utf8')).toBe('the contract');

    const reopened = await createContext(configFromObject({ data_dir: fresh, database: { driver: 'postgres', url: target.url, pool_size: 2 } }), logger);
    cleanups.push(() => reopened.close());
    expect(await emails(reopened)).toEqual(['ann@example.com']);
    expect(reopened.secret).toBe(ctx.secret);
    // The identities carry on after the restored rows.
    await addAgent(reopened, 'bob@example.com');
    expect(await emails(reopened)).toEqual(['ann@example.com', 'bob@example.com']);
  });

  it('keeps only the newest archives, as on SQLite', async () => {
    const ctx = await instance();
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await backupOf(ctx, 2)).file);
    expect(listBackups(ctx.paths.backups).map((b) => b.file)).toEqual([made[2], made[1]]);
  });

  it('refuses a database that is not empty, and one missing an attachment file, changing nothing', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const lost = await addAttachment(ctx, 'lost.txt', 'gone');
    const backup = await backupOf(ctx);

    // Into the live database itself: it has tables.
    await expect(restoreBackup(ctx.paths.data, backup.file, { postgres: postgresTools(ctx.config) })).rejects.toThrow(/not empty/);
    expect(await emails(ctx)).toEqual(['ann@example.com']);

    // Without the file the dump's attachments table names.
    const work = mkdtempSync(path.join(os.tmpdir(), 'kefu-pg-tamper-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    mkdirSync(path.join(work, 'x'));
    await extractTar({ file: backup.file, cwd: path.join(work, 'x') });
    rmSync(fileOf(path.join(work, 'x'), lost));
    const broken = path.join(work, 'broken.tar.gz');
    await createTar({ gzip: true, file: broken, cwd: path.join(work, 'x') }, readdirSync(path.join(work, 'x')));
    const empty = await postgres.freshDatabase();
    const error = await restoreBackup(ctx.paths.data, broken, { postgres: { url: empty } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestoreRefused);
    expect((error as Error).message).toMatch(/missing from the backup \("lost\.txt"\)/);

    // A SQLite instance is told what the archive holds.
    await expect(restoreBackup(ctx.paths.data, backup.file)).rejects.toThrow(/holds a PostgreSQL database/);
  });

  it('without pg_dump: the nightly job logs one error naming what to install and /readyz says so', async () => {
    const noTools = mkdtempSync(path.join(os.tmpdir(), 'kefu-no-pg-bin-'));
    cleanups.push(() => rmSync(noTools, { recursive: true, force: true }));
    const ctx = await instance(undefined, { backup: { postgres_bin: noTools } });
    await expect(backupOf(ctx)).rejects.toBeInstanceOf(PgToolMissing);

    const lines: Array<{ msg: string; level: number }> = [];
    const job = backupJob({ ...ctx, logger: createLogger('info', { pretty: false, destination: { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string; level: number }) } }) } as AppContext);
    await job.run();
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/pg_dump was not found .*apt-get install postgresql-client.*backup\.postgres_bin/);
    expect(existsSync(ctx.paths.backups) ? listBackups(ctx.paths.backups) : []).toEqual([]);

    const report = await ctx.health.report();
    expect(report.status).toBe('degraded');
    expect(report.checks.backup).toMatchObject({ status: 'fail', critical: false, message: expect.stringMatching(/pg_dump was not found/) });
  });
});
