import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type Transaction } from 'kysely';
import { PRIVATE_DIR_MODE, restrictDatabaseFiles } from '../private-files.js';
import { registerSearchFunctions } from '../search/sql-functions.js';
import { KefuSqliteDialect } from './dialect.js';
import { LiteralLimitsPlugin } from './literal-limits.js';
import { withStatementCache } from './statement-cache.js';
import type { Tables } from './tables.js';

export type Db = Kysely<Tables>;
export type Tx = Transaction<Tables>;
/** A query helper takes either: the same code runs inside or outside a transaction. */
export type DbOrTx = Db | Tx;

export interface Database {
  readonly driver: 'sqlite';
  readonly db: Db;
  /** The raw handle, for the online backup API and FTS maintenance only. */
  readonly sqlite: SqliteDatabase.Database;
  readonly file: string;
  /**
   * Runs fn in a transaction; callbacks passed to onCommit run after a successful commit,
   * so a rollback sends no email, websocket push or webhook.
   */
  transaction<T>(fn: (tx: Tx, onCommit: (cb: () => void) => void) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Pages the WAL may grow by before the writing connection copies them back (see checkpointer.ts). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'kefu.sqlite');
}

export function openDatabase(file: string, opts: { readonly?: boolean; cacheMb?: number } = {}): Database {
  // No chmod of the parent: it may be any directory a caller passes (createContext tightens the data dir).
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const sqlite = new SqliteDatabase(file, { readonly: opts.readonly ?? false });
  if (file !== ':memory:' && !opts.readonly) restrictDatabaseFiles(file);
  if (!opts.readonly) sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL makes NORMAL durable against process crashes; only power loss may drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  // Every message dirties pages across the ticket and message indexes; checkpointing every
  // 1,000 pages (the default) spends a measurable share of intake on copying them back. A WAL of up to
  // ~40 MB between checkpoints costs disk, not durability.
  if (!opts.readonly) sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  sqlite.pragma(`cache_size = ${-Math.round((opts.cacheMb ?? 32) * 1024)}`);
  sqlite.pragma('temp_store = MEMORY');
  // Migrating a database from before 0009-search-queue runs the old index triggers, which call these.
  registerSearchFunctions(sqlite);
  const db = new Kysely<Tables>({
    dialect: new KefuSqliteDialect(sqlite, { database: withStatementCache(sqlite) }, { beginImmediate: !opts.readonly }),
    plugins: [new LiteralLimitsPlugin()],
  });

  return {
    driver: 'sqlite',
    db,
    sqlite,
    file,
    async transaction(fn) {
      const callbacks: Array<() => void> = [];
      const result = await db.transaction().execute((tx) => fn(tx, (cb) => callbacks.push(cb)));
      for (const cb of callbacks) cb();
      return result;
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Milliseconds since the epoch: every timestamp column stores this. */
export const now = (): number => Date.now();
