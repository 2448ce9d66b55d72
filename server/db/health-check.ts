import type { CheckResult } from '../ops/health.js';
import type { AnyDatabase, PostgresDatabase } from './postgres.js';

/**
 * The /readyz `database` check on PostgreSQL: a `select 1` through the pool, reporting how busy
 * the pool is (clients waiting for a connection mean pool_size is too small for the load).
 */
export function postgresHealthCheck(database: PostgresDatabase): () => Promise<CheckResult> {
  return async () => {
    const { pool } = database;
    try {
      await database.ping();
    } catch (err) {
      database.connection.failed(err);
      const code = (err as { code?: unknown }).code;
      const since = database.connection.down?.since;
      return {
        ok: false,
        message: `PostgreSQL did not answer${typeof code === 'string' ? ` (${code})` : ''}${since ? `; unreachable since ${new Date(since).toISOString()}, reconnecting` : ''}`,
      };
    }
    return {
      ok: true,
      message: `pool: ${pool.totalCount} of ${pool.options.max ?? '?'} connections, ${pool.idleCount} idle, ${pool.waitingCount} waiting`,
    };
  };
}

/** The /readyz `database` check for either driver; on SQLite a `select 1` on the connection, as always. */
export function databaseHealthCheck(database: AnyDatabase): () => CheckResult | Promise<CheckResult> {
  if (database.driver === 'postgres') return postgresHealthCheck(database);
  return () => {
    database.sqlite.prepare('select 1').get();
    return { ok: true };
  };
}
