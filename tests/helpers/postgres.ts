import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './dovecot.js';

const run = promisify(execFile);
const USER = 'kefu';

/** The newest installed server's bin directory (Debian: /usr/lib/postgresql/<major>/bin). */
function findBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d) && existsSync(path.join(root, d, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? path.join(root, majors[0], 'bin') : null;
}

const BIN = findBinaries();
let warned = false;

/**
 * Why the PostgreSQL tests cannot run here, or null when they can. Says so on the console once,
 * so a skipped driver is visible in the run's output rather than silently green.
 */
export function postgresUnavailable(): string | null {
  const why = BIN ? null : 'PostgreSQL server binaries are not installed (apt-get install postgresql, or ./install.sh --test as root)';
  if (why && !warned) {
    warned = true;
    console.warn(`skipping PostgreSQL tests: ${why}`);
  }
  return why;
}

/**
 * initdb and postgres refuse to run as root; as root the cluster belongs to the postgres system
 * user (or nobody), and its commands run as that user.
 */
function runAs(): { uid: number; gid: number; prefix: string[] } | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid, prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'] };
    } catch {
      // try the next user
    }
  }
  throw new Error('running as root and found neither a postgres nor a nobody user to run PostgreSQL as');
}

export interface PostgresCluster {
  host: string;
  port: number;
  /** A URL for database `name` on this cluster. */
  url(name: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Shuts the server down (as an admin's `pg_ctl stop -m fast` would), keeping its files. */
  halt(): Promise<void>;
  /** Starts it again on the same port and files after halt(). */
  resume(): Promise<void>;
  stop(): void;
}

/** Starts a throwaway cluster on a free loopback port; `stop` ends it and deletes its files. */
export async function startPostgres(): Promise<PostgresCluster> {
  if (!BIN) throw new Error(postgresUnavailable() ?? 'no PostgreSQL');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-pg-'));
  const data = path.join(dir, 'data');
  const as = runAs();
  if (as) chownSync(dir, as.uid, as.gid);
  const command = (bin: string, args: string[]): [string, string[]] => {
    const cmd = [...(as?.prefix ?? []), path.join(BIN, bin), ...args];
    return [cmd[0] as string, cmd.slice(1)];
  };
  const exec = async (bin: string, args: string[]): Promise<void> => {
    await run(...command(bin, args), { cwd: dir });
  };
  const port = await freePort();
  // A test cluster holds nothing worth a sync: fsync off keeps each test file's setup in seconds.
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', USER, '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => exec('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-s', 'start']);
  await start();

  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(...command('pg_ctl', ['-D', data, '-m', 'immediate', '-s', 'stop']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A crashed test run must not leave a postgres behind.
  process.once('exit', stop);

  const url = (name: string) => `postgres://${USER}@127.0.0.1:${port}/${name}`;
  let n = 0;
  return {
    host: '127.0.0.1',
    port,
    url,
    async createDatabase() {
      const name = `kefu_test_${process.pid}_${++n}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    halt: () => exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-s', 'stop']),
    resume: start,
    stop,
  };
}

/**
 * One cluster per test file: call at the top level of a describe.skipIf(postgresUnavailable())
 * block; `freshDatabase()` gives each test its own empty database.
 */
export function usePostgres(): { freshDatabase(): Promise<string>; cluster(): PostgresCluster } {
  let cluster: PostgresCluster | undefined;
  beforeAll(async () => {
    cluster = await startPostgres();
  }, 60_000);
  afterAll(() => cluster?.stop());
  const get = (): PostgresCluster => {
    if (!cluster) throw new Error('usePostgres: the cluster has not started');
    return cluster;
  };
  return { freshDatabase: () => get().createDatabase(), cluster: get };
}
