import type { Database } from './database.js';
import type { AnyDatabase } from './postgres.js';

/**
 * Raised where a module still reaches for SQLite's synchronous handle and Kefu runs on
 * PostgreSQL. Each call site names its feature, so the gap is visible in the error rather than
 * as a TypeError deep inside a query.
 */
export class SqliteOnlyError extends Error {
  readonly code = 'sqlite_only';

  constructor(readonly feature: string) {
    super(`${feature} is not available on PostgreSQL yet`);
    this.name = 'SqliteOnlyError';
  }
}

/** The SQLite handle of a module that has no PostgreSQL implementation yet. */
export function sqliteOnly(database: AnyDatabase, feature: string): Database {
  if (database.driver !== 'sqlite') throw new SqliteOnlyError(feature);
  return database;
}
