import type { Database } from '../../server/db/database.js';
import type { AnyDatabase } from '../../server/db/postgres.js';
import type { FullTextIndex } from '../../server/search/full-text-index.js';
import { SearchIndex } from '../../server/search/search-index.js';

/** The SQLite side of a context's database, for a test that inspects SQLite itself (it is skipped on PostgreSQL). */
export function sqliteOf(database: AnyDatabase): Database {
  if (database.driver !== 'sqlite') throw new Error('this check reads SQLite internals and runs on the SQLite driver only');
  return database;
}

/** The SQLite search index behind a context's full-text index (search.sqlite). */
export function sqliteSearchOf(index: FullTextIndex): SearchIndex {
  if (!(index instanceof SearchIndex)) throw new Error('this check reads search.sqlite and runs on the SQLite driver only');
  return index;
}
