import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../../server/config/load.js';
import { createContext } from '../../../../server/context.js';
import { createLogger } from '../../../../server/logger.js';
import { createBackup } from '../../../../server/modules/backup/service.js';

/*
 * In Docker the serving Kefu and a `kefu restore` started with `docker run` on the same volume are
 * both PID 1, each in its own PID namespace. `unshare --pid --fork --mount-proc` gives each process
 * here the same view, so a lock that trusts pids sees the other one as a stale leftover.
 */
const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
const lockModule = path.resolve('server/modules/backup/instance-lock.ts');
const restoreModule = path.resolve('server/modules/backup/restore.ts');

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function inOwnPidNamespace(code: string): ChildProcess {
  const child = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  return child;
}

async function output(child: ChildProcess): Promise<string> {
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  await once(child, 'exit');
  return text;
}

describe.skipIf(!canUnshare)('instance lock across PID namespaces', () => {
  it('refuses a restore from another container while the first one serves the volume', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-ns-lock-'));
    dirs.push(dir);
    const ctx = await createContext(configFromObject({ data_dir: dir }), createLogger('silent'));
    const backup = await createBackup({ database: ctx.database, paths: ctx.paths, keep: 7, logger: createLogger('silent') });
    await ctx.close();

    const holder = inOwnPidNamespace(
      `const m = await import(${JSON.stringify(lockModule)}); m.acquireInstanceLock(${JSON.stringify(dir)}, 'serve'); console.log('locked pid=' + process.pid); setInterval(() => {}, 1000);`,
    );
    const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
    expect(chunk.toString()).toContain('locked pid=1');

    const restore = inOwnPidNamespace(
      `const m = await import(${JSON.stringify(restoreModule)}); try { await m.restoreBackup(${JSON.stringify(dir)}, ${JSON.stringify(backup.file)}); console.log('restored pid=' + process.pid); } catch (err) { console.log('refused: ' + err.message); }`,
    );
    const text = await output(restore);
    expect(text).toMatch(/refused: .*running.*stop it before restoring/);
    expect(text).not.toContain('restored');

    holder.kill('SIGKILL');
    await once(holder, 'exit');
    // Once the holder is gone (even killed), its lock goes with it.
    const after = inOwnPidNamespace(
      `const m = await import(${JSON.stringify(restoreModule)}); await m.restoreBackup(${JSON.stringify(dir)}, ${JSON.stringify(backup.file)}); console.log('restored pid=' + process.pid);`,
    );
    expect(await output(after)).toContain('restored pid=1');
  }, 60_000);
});
