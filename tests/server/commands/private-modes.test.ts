import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { create as createTar, extract as extractTar } from 'tar';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createContext } from '../../../server/context.js';
import { databaseFile } from '../../../server/db/database.js';
import { createLogger } from '../../../server/logger.js';
import { attachmentPath, storeBuffer, storeStream } from '../../../server/modules/attachments/storage.js';
import { restoreBackup } from '../../../server/modules/backup/restore.js';
import { createBackup } from '../../../server/modules/backup/service.js';
import { tempDir } from '../../helpers/app.js';
import { kefuCommand } from '../../helpers/cli.js';

const logger = createLogger('silent', { pretty: false });
const mode = (file: string): string => (statSync(file).mode & 0o777).toString(8);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function scratch(): string {
  const d = tempDir('kefu-modes-');
  dirs.push(d);
  return d;
}

/** Every file and folder under dir, with its mode, for one readable failure message. */
function modesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) out[name] = mode(path.join(dir, name));
  return out;
}
const loose = (modes: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(modes).filter(([, m]) => m !== '700' && m !== '600'));

describe('data directory permissions', () => {
  // The usual default, so what is asserted comes from the code, not from a strict test runner.
  let previous = 0;
  beforeEach(() => void (previous = process.umask(0o022)));
  afterEach(() => void process.umask(previous));

  it('keeps the data dir, database, secret, attachments and backup archive owner-only', async () => {
    const dataDir = path.join(scratch(), 'data');
    // As an install from before the fix left it: mkdir's mode alone would not touch this.
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const ctx = await createContext(configFromObject({ data_dir: dataDir }), logger);
    try {
      const a = storeBuffer(ctx.paths.attachments, Buffer.from('invoice pdf bytes'));
      const b = await storeStream(ctx.paths.attachments, Readable.from([Buffer.from('streamed bytes')]), 1024);

      expect(mode(dataDir)).toBe('700');
      expect(mode(ctx.paths.backups)).toBe('700');
      expect(mode(ctx.paths.attachments)).toBe('700');
      expect(mode(databaseFile(dataDir))).toBe('600');
      expect(mode(`${databaseFile(dataDir)}-wal`)).toBe('600');
      expect(mode(path.join(dataDir, 'search.sqlite'))).toBe('600');
      expect(mode(path.join(dataDir, 'secret.key'))).toBe('600');
      expect(mode(attachmentPath(ctx.paths.attachments, a.sha256))).toBe('600');
      expect(mode(path.dirname(attachmentPath(ctx.paths.attachments, b.sha256)))).toBe('700');

      const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
      expect(mode(backup.file)).toBe('600');
      expect(loose(modesUnder(dataDir))).toEqual({});
    } finally {
      await ctx.close();
    }
  });

  it('tightens an existing database, secret.key and backups dir left 0644/0755', async () => {
    const dataDir = path.join(scratch(), 'data');
    const first = await createContext(configFromObject({ data_dir: dataDir }), logger);
    await first.close();
    for (const f of ['kefu.sqlite', 'secret.key']) chmodSync(path.join(dataDir, f), 0o644);
    for (const d of ['', 'backups', 'attachments']) chmodSync(path.join(dataDir, d), 0o755);

    const again = await createContext(configFromObject({ data_dir: dataDir }), logger);
    await again.close();
    expect(mode(dataDir)).toBe('700');
    expect(mode(path.join(dataDir, 'backups'))).toBe('700');
    expect(mode(path.join(dataDir, 'attachments'))).toBe('700');
    expect(mode(databaseFile(dataDir))).toBe('600');
    expect(mode(path.join(dataDir, 'secret.key'))).toBe('600');
  });

  it('restores an archive with 0644/0755 entries as 0600/0700', async () => {
    const root = scratch();
    const ctx = await createContext(configFromObject({ data_dir: path.join(root, 'source') }), logger);
    storeBuffer(ctx.paths.attachments, Buffer.from('kept attachment'));
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger });
    await ctx.close();

    // Repack it the way an archive from before the fix was: world-readable entries.
    const unpacked = path.join(root, 'unpacked');
    mkdirSync(unpacked);
    await extractTar({ file: backup.file, cwd: unpacked });
    for (const name of readdirSync(unpacked, { recursive: true }) as string[]) {
      const p = path.join(unpacked, name);
      chmodSync(p, statSync(p).isDirectory() ? 0o755 : 0o644);
    }
    const legacy = path.join(root, 'legacy.tar.gz');
    await createTar({ gzip: true, file: legacy, cwd: unpacked }, readdirSync(unpacked));

    const target = path.join(root, 'target');
    await restoreBackup(target, legacy);
    expect(mode(target)).toBe('700');
    expect(mode(databaseFile(target))).toBe('600');
    expect(mode(path.join(target, 'secret.key'))).toBe('600');
    expect(loose(modesUnder(target))).toEqual({});
  });
});

describe('kefu backup / restore (child process)', () => {
  it('writes an owner-only archive and restores owner-only files', async () => {
    const dir = scratch();
    const dataDir = path.join(dir, 'data');
    const configFile = path.join(dir, 'config.yaml');
    writeFileSync(configFile, `data_dir: ${JSON.stringify(dataDir)}\nlog:\n  level: warn\n`);
    const kefu = async (...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> => {
      // umask 022 as a usual shell has it: the CLI itself must make its files private.
      const child = spawn('/bin/sh', ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, ...kefuCommand(...args)], {
        env: { ...process.env, KEFU_CONFIG: configFile },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const [code] = await once(child, 'exit');
      return { code: code as number | null, stdout, stderr };
    };

    const migrated = await kefu('migrate');
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(mode(dataDir)).toBe('700');
    expect(mode(databaseFile(dataDir))).toBe('600');

    const backup = await kefu('backup');
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const file = /backup written: (\S+)/.exec(backup.stdout)?.[1];
    expect(file && existsSync(file)).toBe(true);
    expect(mode(file!)).toBe('600');
    expect(mode(path.dirname(file!))).toBe('700');

    const restored = await kefu('restore', file!);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(mode(databaseFile(dataDir))).toBe('600');
    expect(mode(path.join(dataDir, 'secret.key'))).toBe('600');
    expect(loose(modesUnder(dataDir))).toEqual({});
  }, 120_000);
});
