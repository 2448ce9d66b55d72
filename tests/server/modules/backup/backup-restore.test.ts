import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { create as createTar, extract as extractTar } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { createContext, type AppContext } from '../../../../server/context.js';
import { databaseFile } from '../../../../server/db/database.js';
import { createLogger } from '../../../../server/logger.js';
import { acquireInstanceLock, InstanceLocked, ownerFile } from '../../../../server/modules/backup/instance-lock.js';
import { restoreBackup, RestoreRefused } from '../../../../server/modules/backup/restore.js';
import { createBackup, listBackups } from '../../../../server/modules/backup/service.js';
import { storeBuffer } from '../../../../server/modules/attachments/storage.js';

const logger = createLogger('silent');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function instance(): Promise<AppContext> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-backup-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = await createContext(configFromObject({ data_dir: dir }), logger);
  cleanups.push(() => ctx.close());
  return ctx;
}

async function addAgent(ctx: AppContext, email: string): Promise<void> {
  const t = Date.now();
  await ctx.db
    .insertInto('agents')
    .values({ email, name: email.split('@')[0]!, role: 'agent', language: 'en', preferences: '{}', active: 1, created_at: t, updated_at: t })
    .execute();
}

async function agentEmails(ctx: AppContext): Promise<string[]> {
  const rows = await ctx.db.selectFrom('agents').select('email').orderBy('email').execute();
  return rows.map((r) => r.email);
}

function writeAttachment(ctx: AppContext, content: string): string {
  const digest = createHash('sha256').update(content).digest('hex');
  const file = path.join(ctx.paths.attachments, digest.slice(0, 2), digest);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const fileHash = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function dataDirEntries(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith('.restore-') || n.startsWith('replaced-'));
}

describe('backup and restore', () => {
  it('restores the database and attachments as they were at backup time', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const kept = writeAttachment(ctx, 'invoice pdf bytes');
    const secret = readFileSync(path.join(ctx.paths.data, 'secret.key'), 'utf8');

    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    expect(path.dirname(backup.file)).toBe(ctx.paths.backups);
    expect(backup.manifest.attachments).toBe(1);
    expect(backup.manifest.migrations.length).toBeGreaterThan(0);

    await addAgent(ctx, 'bob@example.com');
    rmSync(kept);
    const added = writeAttachment(ctx, 'later upload');
    await ctx.close();

    const result = await restoreBackup(ctx.paths.data, backup.file);
    expect(result.replacedDir).not.toBeNull();
    // The replaced state is kept aside, not deleted.
    expect(existsSync(path.join(result.replacedDir!, 'kefu.sqlite'))).toBe(true);

    const reopened = await createContext(configFromObject({ data_dir: ctx.paths.data }), logger);
    cleanups.push(() => reopened.close());
    expect(await agentEmails(reopened)).toEqual(['ann@example.com']);
    expect(readFileSync(kept, 'utf8')).toBe('invoice pdf bytes');
    expect(existsSync(added)).toBe(false);
    expect(reopened.secret).toBe(secret.trim());
  });

  it('restores onto a new machine with an empty data directory', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const attachment = writeAttachment(ctx, 'contract');
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    const fresh = mkdtempSync(path.join(os.tmpdir(), 'kefu-fresh-'));
    cleanups.push(() => rmSync(fresh, { recursive: true, force: true }));

    const result = await restoreBackup(fresh, backup.file);
    expect(result.replacedDir).toBeNull();
    const reopened = await createContext(configFromObject({ data_dir: fresh }), logger);
    cleanups.push(() => reopened.close());
    expect(await agentEmails(reopened)).toEqual(['ann@example.com']);
    expect(readFileSync(path.join(fresh, path.relative(ctx.paths.data, attachment)), 'utf8')).toBe('contract');
    expect(reopened.secret).toBe(ctx.secret);
  });

  it('keeps only the newest archives', async () => {
    const ctx = await instance();
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      made.push((await createBackup({ database: ctx.database, paths: ctx.paths, keep: 2, logger })).file);
    }
    expect(listBackups(ctx.paths.backups).map((b) => b.file)).toEqual([made[3], made[2]]);
    expect(readdirSync(ctx.paths.backups).filter((n) => n.startsWith('.staging') || n.endsWith('.partial'))).toEqual([]);
  });

  it('refuses a file that is not a backup and changes nothing', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    await ctx.close();
    const before = fileHash(databaseFile(ctx.paths.data));
    const junk = path.join(ctx.paths.data, 'junk.tar.gz');
    writeFileSync(junk, Buffer.from('this is not an archive at all'.repeat(40)));

    await expect(restoreBackup(ctx.paths.data, junk)).rejects.toBeInstanceOf(RestoreRefused);
    expect(fileHash(databaseFile(ctx.paths.data))).toBe(before);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });

  it('refuses a truncated archive and changes nothing', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();
    const before = fileHash(databaseFile(ctx.paths.data));
    const whole = readFileSync(backup.file);
    const cut = path.join(ctx.paths.data, 'cut.tar.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));

    await expect(restoreBackup(ctx.paths.data, cut)).rejects.toThrow(RestoreRefused);
    expect(fileHash(databaseFile(ctx.paths.data))).toBe(before);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });

  it('refuses an archive whose database fails the integrity check', async () => {
    const ctx = await instance();
    for (let i = 0; i < 200; i++) await addAgent(ctx, `agent${i}@example.com`);
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();
    const before = fileHash(databaseFile(ctx.paths.data));

    const work = mkdtempSync(path.join(os.tmpdir(), 'kefu-damage-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    await extractTar({ file: backup.file, cwd: work });
    const db = readFileSync(path.join(work, 'kefu.sqlite'));
    // Keep the 100-byte header valid so SQLite opens the file, then scribble over the pages.
    db.fill(0x5a, 4096, Math.min(db.length, 4096 * 6));
    writeFileSync(path.join(work, 'kefu.sqlite'), db);
    const damaged = path.join(work, 'damaged.tar.gz');
    await createTar({ gzip: true, file: damaged, cwd: work }, ['manifest.json', 'kefu.sqlite', 'attachments']);

    await expect(restoreBackup(ctx.paths.data, damaged)).rejects.toThrow(/damaged|malformed/);
    expect(fileHash(databaseFile(ctx.paths.data))).toBe(before);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });
});

describe('restore checks attachments', () => {
  /** A stored file with its database row, as an upload leaves it. */
  async function addStoredAttachment(ctx: AppContext, name: string, content: string): Promise<string> {
    const stored = storeBuffer(ctx.paths.attachments, Buffer.from(content));
    await ctx.db
      .insertInto('attachments')
      .values({ sha256: stored.sha256, name, content_type: 'text/plain', size: stored.size, created_at: Date.now() })
      .execute();
    return stored.sha256;
  }

  /** Unpacks a backup, lets `change` edit it, and packs it again. */
  async function tampered(archive: string, change: (dir: string) => void): Promise<string> {
    const work = mkdtempSync(path.join(os.tmpdir(), 'kefu-tamper-'));
    cleanups.push(() => rmSync(work, { recursive: true, force: true }));
    const dir = path.join(work, 'x');
    mkdirSync(dir);
    await extractTar({ file: archive, cwd: dir });
    change(dir);
    const out = path.join(work, 'tampered.tar.gz');
    await createTar({ gzip: true, file: out, cwd: dir }, readdirSync(dir));
    return out;
  }

  const fileOf = (dir: string, sha: string): string => path.join(dir, 'attachments', sha.slice(0, 2), sha.slice(2, 4), sha);

  it('refuses an archive missing a file the database refers to, naming it, and changes nothing', async () => {
    const ctx = await instance();
    await addStoredAttachment(ctx, 'kept.txt', 'kept bytes');
    const lost = await addStoredAttachment(ctx, 'contract.pdf', 'the contract');
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();
    const before = fileHash(databaseFile(ctx.paths.data));
    const broken = await tampered(backup.file, (dir) => rmSync(fileOf(dir, lost)));

    await expect(restoreBackup(ctx.paths.data, broken)).rejects.toThrow(/1 attachment file.*missing.*contract\.pdf/);
    expect(fileHash(databaseFile(ctx.paths.data))).toBe(before);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });

  it('refuses an archive whose attachment file has other content than the database says', async () => {
    const ctx = await instance();
    const sha = await addStoredAttachment(ctx, 'invoice.txt', 'invoice total 100');
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();
    const broken = await tampered(backup.file, (dir) => writeFileSync(fileOf(dir, sha), 'invoice total 999'));

    await expect(restoreBackup(ctx.paths.data, broken)).rejects.toThrow(/damaged.*does not match.*invoice\.txt/);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });
});

describe('instance lock', () => {
  const holders: ChildProcess[] = [];
  afterEach(() => {
    for (const child of holders.splice(0)) child.kill('SIGKILL');
  });

  /** Another process takes the lock the way a serving Kefu does. */
  async function holdLock(dataDir: string): Promise<ChildProcess> {
    const lockModule = path.resolve('server/modules/backup/instance-lock.ts');
    const code = `const m = await import(${JSON.stringify(lockModule)}); m.acquireInstanceLock(${JSON.stringify(dataDir)}, 'serve'); console.log('locked'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    holders.push(child);
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    expect(chunk.toString()).toContain('locked');
    return child;
  }

  it('refuses to restore while another process serves the data directory', async () => {
    const ctx = await instance();
    await addAgent(ctx, 'ann@example.com');
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await addAgent(ctx, 'bob@example.com');
    await ctx.close();
    const before = fileHash(databaseFile(ctx.paths.data));
    await holdLock(ctx.paths.data);

    await expect(restoreBackup(ctx.paths.data, backup.file)).rejects.toThrow(/running|stop it/);
    expect(() => acquireInstanceLock(ctx.paths.data, 'serve')).toThrow(InstanceLocked);
    expect(fileHash(databaseFile(ctx.paths.data))).toBe(before);
    expect(dataDirEntries(ctx.paths.data)).toEqual([]);
  });

  it('takes over a lock left by a process that died', async () => {
    const ctx = await instance();
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();
    const child = await holdLock(ctx.paths.data);
    child.kill('SIGKILL');
    await once(child, 'exit');

    await expect(restoreBackup(ctx.paths.data, backup.file)).resolves.toMatchObject({ manifest: { format: 'kefu-backup' } });
    const lock = acquireInstanceLock(ctx.paths.data, 'serve');
    expect(existsSync(ownerFile(ctx.paths.data))).toBe(true);
    lock.release();
    // The lock file stays (its lock went with the holder); only the note naming the holder goes.
    expect(existsSync(ownerFile(ctx.paths.data))).toBe(false);
    acquireInstanceLock(ctx.paths.data, 'serve').release();
  });
});
