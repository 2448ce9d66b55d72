import type SqliteDatabase from 'better-sqlite3';
import { INDEX_FROM_TABLES, INDEXED_TABLES } from './index-sql.js';

const INSERT_TRIGGERS = INDEXED_TABLES.map((t) => `search_${t}_insert`);

/**
 * Runs `load` (plain inserts only) in one transaction with the search insert triggers off,
 * then indexes the new rows with one statement per table and puts the triggers back before
 * the commit. FTS5 flushes its buffer at every statement a trigger runs in, so row-by-row
 * indexing of a bulk load is about five times slower than this. For seeding and imports, on
 * a connection nothing else is using.
 */
export function withBulkIndexing<T>(sqlite: SqliteDatabase.Database, load: () => T): T {
  return sqlite.transaction(() => {
    const triggers = sqlite
      .prepare<string[], { name: string; sql: string }>(
        `select name, sql from sqlite_master where type = 'trigger' and name in (${INSERT_TRIGGERS.map(() => '?').join(', ')})`,
      )
      .all(...INSERT_TRIGGERS);
    const before = Object.fromEntries(
      INDEXED_TABLES.map((t) => [t, (sqlite.prepare(`select coalesce(max(id), 0) as n from ${t}`).get() as { n: number }).n]),
    );
    for (const t of triggers) sqlite.exec(`drop trigger ${t.name}`);
    const result = load();
    for (const table of INDEXED_TABLES) sqlite.prepare(INDEX_FROM_TABLES[table]).run(before[table]);
    for (const t of triggers) sqlite.exec(t.sql);
    return result;
  })();
}
