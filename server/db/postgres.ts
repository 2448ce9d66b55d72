import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { redactDatabaseUrl } from '../config/database-url.js';
import type { Logger } from '../logger.js';
import { ConnectionWatch } from './connection-lost.js';
import type { Database, Db, Tx } from './database.js';
import { PostgresSchemaPlugin } from './postgres-schema.js';
import { poolWithStatementCache } from './postgres-statement-cache.js';
import type { Tables } from './tables.js';

/** PostgreSQL's type ids whose text form the pool parses into numbers (pg leaves them strings). */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Every id, count and millisecond timestamp is a bigint on PostgreSQL (ms since the epoch outgrow
 * int4). pg hands int8 back as a string to be safe past 2^53; ours never get there, and the code
 * shared with SQLite expects numbers.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresDatabase {
  readonly driver: 'postgres';
  readonly db: Db;
  readonly pool: pg.Pool;
  /** database.url without its password: the only form of it that may be logged or shown. */
  readonly url: string;
  /** The server's port: a socket error naming another port is not this database's. */
  readonly port: number;
  transaction<T>(fn: (tx: Tx, onCommit: (cb: () => void) => void) => Promise<T>): Promise<T>;
  /**
   * Called from a commit callback: the transaction that committed returns only once `work` settles.
   * SQLite's single connection queues follow-up writes ahead of the next request by itself; the
   * pool does not, so a write the response must reflect (a ticket's SLA due times) says so here.
   * Outside a commit callback it does nothing.
   */
  follow(work: Promise<unknown>): void;
  /** One round trip through the pool: /readyz and the start-up check. */
  ping(): Promise<void>;
  /** Whether the server was reachable at last look; told of connection errors, probes until it is back. */
  readonly connection: ConnectionWatch;
  close(): Promise<void>;
}

/** Either driver's handle; code that runs on both takes this and reaches only for `db`. */
export type AnyDatabase = Database | PostgresDatabase;

export interface PostgresOptions {
  url: string;
  poolSize: number;
  /** How long a connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number;
  /** Where losing and regaining the server is logged (once per change). */
  logger?: Logger;
}

/**
 * Set on every connection of the pool. No parallel workers: Kefu's statements are index walks of
 * a few milliseconds, and a worker is a process started for the one statement, its caches cold.
 * At 200,000 tickets the search of an agent (whose matches the GIN index reads, then sorts in
 * parallel) cost 37 ms of the server's CPU with them and 30 ms without. A `?options=` in
 * database.url replaces this.
 */
const SESSION_SETTINGS = '-c max_parallel_workers_per_gather=0';

/** Opens a pool; nothing connects until the first query (see checkPostgres in startup.ts). */
export function openPostgres(options: PostgresOptions): PostgresDatabase {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    types,
    options: SESSION_SETTINGS,
  });
  const ping = async (): Promise<void> => {
    await pool.query('select 1');
  };
  const connection = new ConnectionWatch(ping, options.logger ?? null);
  // An idle client losing its server emits on the pool; unhandled, that would end the process.
  // The pool drops that client and the next query connects afresh, so recovery needs no more
  // than the watch noticing the outage.
  pool.on('error', (err) => connection.failed(err));
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: poolWithStatementCache(pool) }),
    plugins: [new PostgresSchemaPlugin()],
  });
  // Set only while commit callbacks run, which is synchronous: no other transaction's callbacks interleave.
  let following: Array<Promise<unknown>> | null = null;
  return {
    driver: 'postgres',
    db,
    pool,
    url: redactDatabaseUrl(options.url),
    port: Number(new URL(options.url).port || 5432),
    async transaction(fn) {
      const callbacks: Array<() => void> = [];
      const result = await db.transaction().execute((tx) => fn(tx, (cb) => callbacks.push(cb)));
      const outer = following;
      const followed: Array<Promise<unknown>> = [];
      following = followed;
      try {
        for (const cb of callbacks) cb();
      } finally {
        following = outer;
      }
      if (followed.length > 0) await Promise.allSettled(followed);
      return result;
    },
    follow(work) {
      following?.push(work);
    },
    ping,
    connection,
    async close() {
      await connection.close();
      await db.destroy();
    },
  };
}
