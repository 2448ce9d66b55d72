import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely';

/**
 * Hands Kysely one prepared statement per distinct SQL text instead of preparing every query
 * anew: compiling a statement (with the triggers it fires) cost as much as running it, about
 * 40% of an intake. The oldest statements are dropped past `max`.
 */
export function withStatementCache(sqlite: SqliteDatabase.Database, max = 500): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare: (sql: string) => {
      const cached = cache.get(sql);
      if (cached) return cached;
      // Oldest first out: the app has a few hundred distinct statements, so eviction is for
      // pathological callers only and not worth re-ordering the map on every hit.
      const stmt = sqlite.prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      cache.set(sql, stmt);
      return stmt;
    },
  };
}
