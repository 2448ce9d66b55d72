import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { restrictDatabaseFiles } from '../private-files.js';

/**
 * The search index lives in a database file of its own next to kefu.sqlite: it can be rebuilt
 * from the tables at any time, so backups leave it out and a restore throws it away, and its
 * writer (the indexer thread) never waits for the lock of the database every request writes to.
 */
export const SEARCH_FILE = 'search.sqlite';

/** Bump when what is indexed or how it is shaped changes: an index of another format is rebuilt. */
export const INDEX_FORMAT = 1;

export const INDEXED_KINDS = ['messages', 'tickets', 'contacts'] as const;
export type IndexedKind = (typeof INDEXED_KINDS)[number];

/** How far the index has read: the last row id per table, and the last change-queue entry. */
export type Marks = Record<IndexedKind | 'queue', number>;

export const zeroMarks = (): Marks => ({ messages: 0, tickets: 0, contacts: 0, queue: 0 });

/** Rows per table: indexed by a step, or since a rebuild began. */
export const zeroCounts = (): Record<IndexedKind, number> => ({ messages: 0, tickets: 0, contacts: 0 });

/** The index file that belongs to a main database file. */
export function searchIndexFile(databaseFile: string): string {
  return path.join(path.dirname(databaseFile), SEARCH_FILE);
}

/** Opens (creating if need be) an index file with its tables. */
export function openIndexFile(file: string): SqliteDatabase.Database {
  const db = new SqliteDatabase(file);
  // Derived, but it holds the text of every message.
  restrictDatabaseFiles(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  // The index is derived data: a power cut may cost its last writes, which a restart redoes.
  db.pragma('synchronous = NORMAL');
  db.exec(`create table if not exists progress (name text primary key, value integer not null)`);
  for (const kind of INDEXED_KINDS) {
    // Contentless (the text lives in the main database); rowid is the indexed row's id. `words`
    // holds words and CJK bigrams, `chars` single CJK characters (server/search/tokenize.ts).
    db.exec(`create virtual table if not exists search_${kind} using fts5(
      words, chars, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
    )`);
  }
  return db;
}
