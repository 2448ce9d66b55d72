import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, testDatabaseConfig } from '../../helpers/app.js';
import { kefuCommand } from '../../helpers/cli.js';

const dir = tempDir('kefu-cli-');
const dataDir = path.join(dir, 'data');
const configFile = path.join(dir, 'config.yaml');
/** The run's driver: on PostgreSQL the config names a fresh database of the run's cluster. */
async function writeConfig(): Promise<boolean> {
  const database = await testDatabaseConfig();
  writeFileSync(configFile, JSON.stringify({ server: { host: '127.0.0.1', port: 0 }, data_dir: dataDir, log: { level: 'info' }, ...(database ? { database } : {}) }));
  return database !== null;
}
let onPostgres = false;
beforeAll(async () => {
  onPostgres = await writeConfig();
});
const env = {
  ...process.env,
  KEFU_CONFIG: configFile,
  KEFU_ADMIN_EMAIL: 'owner@example.test',
  KEFU_ADMIN_PASSWORD: 'a long enough password',
};

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function kefu(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, kefuCommand(...args), { env });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

/** Starts `kefu serve` and resolves with its URL once it logs that it is serving. */
async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, kefuCommand('serve'), { env });
  children.push(child);
  let buffer = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const line = buffer.split('\n').find((l) => l.includes('kefu is serving'));
      if (line) resolve((JSON.parse(line) as { address: string }).address);
    });
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${buffer}`)));
  });
  return { child, url };
}

async function login(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'owner@example.test', password: 'a long enough password' }),
  });
  return res.status;
}

describe('kefu backup / restore against a real server process', () => {
  it('backs up while serving, refuses restore while serving, restores once stopped', async () => {
    const { child, url } = await serve();
    expect(await login(url)).toBe(200);

    const backup = await kefu('backup');
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    const file = /backup written: (\S+)/.exec(backup.stdout)?.[1];
    expect(file && existsSync(file)).toBe(true);

    const refused = await kefu('restore', file!);
    expect(refused.code).toBe(1);
    // On SQLite the serving process's lock refuses it; on PostgreSQL, where several processes share
    // the data directory and hold no such lock, the live database is refused as not empty.
    expect(refused.stderr).toMatch(onPostgres ? /database in database\.url is not empty/ : /running .*stop it before restoring/);
    expect(readdirSync(dataDir).some((n) => n.startsWith('replaced-'))).toBe(false);

    const started = Date.now();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(path.join(dataDir, 'kefu.pid'))).toBe(false);

    // pg_restore restores into an empty database only: as a sysadmin would, point the config at a new one.
    if (onPostgres) await writeConfig();
    const restored = await kefu('restore', file!);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/replaced data was moved to/);

    const again = await serve();
    expect(await login(again.url)).toBe(200);
    again.child.kill('SIGTERM');
    await once(again.child, 'exit');
    // Five CLI processes start here (each compiles TypeScript on the fly unless the build is current).
  }, 120_000);

  it('refuses a damaged backup file with exit code 1', async () => {
    const junk = path.join(dir, 'junk.tar.gz');
    writeFileSync(junk, 'not a backup');
    const result = await kefu('restore', junk);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refused: .*nothing was changed/s);
  }, 60_000);
});
