import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { openPostgres } from '../../../server/db/postgres.js';
import { databaseHealthCheck, postgresHealthCheck } from '../../../server/db/health-check.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { DatabaseStartupError } from '../../../server/db/startup-error.js';
import { kefuCommand } from '../../helpers/cli.js';
import { configFolder } from '../../helpers/config-problems.js';
import { freePort } from '../../helpers/dovecot.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const { dir, file } = configFolder('kefu-pg-startup-');

async function startupError(fn: () => Promise<unknown>): Promise<DatabaseStartupError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DatabaseStartupError) return err;
    throw err;
  }
  throw new Error('expected a DatabaseStartupError');
}

const table = (name: string): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.createTable(name).addColumn('id', 'integer', (c) => c.primaryKey()).execute();
  },
});

describe.skipIf(postgresUnavailable() !== null)('opening PostgreSQL at start-up', () => {
  const postgres = usePostgres();

  it('stops on a refused connection, naming database.url but not the password', async () => {
    const port = await freePort();
    const err = await startupError(() => connectPostgres({ url: `postgres://kefu:s3cret-pw@127.0.0.1:${port}/kefu`, poolSize: 2 }));
    expect(err.message).toMatch(new RegExp(`^database\\.url: connection refused by 127\\.0\\.0\\.1:${port}: is PostgreSQL running`));
    expect(err.message).toContain(`postgres://kefu:***@127.0.0.1:${port}/kefu`);
    expect(err.message).not.toContain('s3cret-pw');
  });

  it('stops on a refused login and on a missing database, saying which', async () => {
    const url = new URL(await postgres.freshDatabase());
    const admin = openPostgres({ url: url.toString(), poolSize: 1 });
    await sql`create role locked_out nologin password 's3cret-pw'`.execute(admin.db).catch(() => undefined);
    await admin.close();

    const login = new URL(url);
    login.username = 'locked_out';
    login.password = 's3cret-pw';
    const refused = await startupError(() => connectPostgres({ url: login.toString(), poolSize: 1 }));
    expect(refused.message).toMatch(/^database\.url: PostgreSQL at 127\.0\.0\.1:\d+ refused user locked_out/);
    expect(refused.message).not.toContain('s3cret-pw');

    const missing = new URL(url);
    missing.pathname = '/no_such_desk';
    const absent = await startupError(() => connectPostgres({ url: missing.toString(), poolSize: 1 }));
    expect(absent.message).toMatch(/^database\.url: database no_such_desk does not exist/);
  });

  it('reads bigint ids, counts and timestamps as numbers, as on SQLite', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      const row = await sql<{ n: unknown; ms: unknown }>`select (select count(*) from generate_series(1, 3)) as n, ${1_765_000_000_000}::bigint as ms`.execute(database.db);
      expect(row.rows[0]).toEqual({ n: 3, ms: 1_765_000_000_000 });
    } finally {
      await database.close();
    }
  });

  it('runs its statements without parallel workers, on every connection of the pool', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      const shows = await Promise.all([1, 2].map(() => database.pool.query<{ n: string }>('select current_setting($1) as n', ['max_parallel_workers_per_gather'])));
      expect(shows.map((r) => r.rows[0]?.n)).toEqual(['0', '0']);
    } finally {
      await database.close();
    }
  });

  it('refuses a schema from a newer Kefu, naming the versions', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      await migrateToLatest(database, '', { '0001-a': table('a'), '0002-b': table('b') });
      const err = await startupError(() => migrateToLatest(database, '', { '0001-a': table('a') }));
      expect(err.message).toBe(
        'the database schema is newer than this Kefu: it has migrations 0002-b, and this version knows up to 0001-a; run the newer Kefu, or restore a backup taken before the upgrade',
      );
    } finally {
      await database.close();
    }
  });

  it('reports the pool in the readiness check, and a database that stopped answering', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 3 });
    const check = databaseHealthCheck(database);
    try {
      expect(await check()).toEqual({ ok: true, message: expect.stringMatching(/^pool: 1 of 3 connections, 1 idle, 0 waiting$/) });
    } finally {
      await database.close();
    }
    const gone = openPostgres({ url: `postgres://kefu@127.0.0.1:${await freePort()}/kefu`, poolSize: 1 });
    try {
      expect(await postgresHealthCheck(gone)()).toEqual({
        ok: false,
        message: expect.stringMatching(/^PostgreSQL did not answer \(ECONNREFUSED\); unreachable since \S+, reconnecting$/),
      });
    } finally {
      await gone.close();
    }
  });

  it('makes `kefu serve` exit 2 with the message when the database cannot be reached', async () => {
    const port = await freePort();
    const config = file(
      `data_dir: ${path.join(dir, 'data')}\nlog:\n  level: silent\ndatabase:\n  driver: postgres\n  url_file: ${path.join(dir, 'url')}\n`,
    );
    writeFileSync(path.join(dir, 'url'), `postgres://kefu:s3cret-pw@127.0.0.1:${port}/kefu\n`);
    const res = spawnSync(process.execPath, kefuCommand('serve', '--config', config), { encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`^kefu: database\\.url: connection refused by 127\\.0\\.0\\.1:${port}`));
    expect(res.stderr).not.toContain('s3cret-pw');
  }, 60_000);

  it('makes `kefu migrate` build the schema on PostgreSQL, and `kefu serve` serve from it and stop on SIGTERM', async () => {
    const url = new URL(await postgres.freshDatabase());
    url.password = 's3cret-pw';
    const port = await freePort();
    const config = file(
      `data_dir: ${path.join(dir, 'data-migrate')}\nlog:\n  level: warn\nserver:\n  port: ${port}\n  host: 127.0.0.1\ndatabase:\n  driver: postgres\n  url: ${url.toString()}\n`,
    );
    const migrate = spawnSync(process.execPath, kefuCommand('migrate', '--config', config), { encoding: 'utf8', timeout: 60_000 });
    expect(migrate.stderr).toBe('');
    expect(migrate.status).toBe(0);
    expect(migrate.stdout).toBe(`database at ${url.toString().replace('s3cret-pw', '***')} is up to date\n`);

    const [command, ...args] = [process.execPath, ...kefuCommand('serve', '--config', config)];
    const serve = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    serve.stdout.on('data', (d: Buffer) => (output += d.toString()));
    serve.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)));
    let ready: { status?: string; checks?: Record<string, { status: string }> } | null = null;
    for (let i = 0; i < 300 && serve.exitCode === null && !ready; i++) {
      ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => (r.ok ? r.json() : null), () => null);
      if (!ready) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready, output).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
    serve.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).not.toContain('s3cret-pw');
  }, 120_000);
});
