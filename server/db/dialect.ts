import type SqliteDatabase from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * With beginImmediate (the writing connection), transactions take the write lock when they
 * begin. A deferred one that read first and then wrote could not take it once another
 * connection (the search index thread trimming its queue, a mail pipe next to the server) had
 * committed since its read: SQLite answers that with "database is locked" at once, without
 * waiting the busy timeout. Beginning with the lock, a transaction waits its turn instead. This
 * connection serves one transaction at a time anyway, and readers in WAL mode are never held up.
 *
 * SQLite rolls a transaction back by itself when a statement or the commit fails with
 * SQLITE_FULL, SQLITE_IOERR and the like. Kysely then sends its own ROLLBACK, which fails with
 * "no transaction is active" and replaces the real error, so a full disk surfaced as a bare 500.
 * Here the ROLLBACK is sent only when a transaction is still open.
 *
 * BEGIN IMMEDIATE takes the write lock of every database attached to the connection, and the main
 * connection has search.sqlite attached for reading, which the index thread writes all the time.
 * So each intake waited for the indexer's batch, and under load gave up after the busy timeout
 * with "database is locked". A connection with a database attached instead begins deferred and
 * takes the main database's write lock alone, with a write that changes no row.
 */
const withAttached = new WeakSet<SqliteDatabase.Database>();

/** Attaches `file` as `alias` for reading; transactions on the connection keep to the main database's write lock. */
export function attachForReading(sqlite: SqliteDatabase.Database, file: string, alias: string): void {
  sqlite.prepare(`attach database ? as ${alias}`).run(file);
  withAttached.add(sqlite);
}

/** A write on the main database that changes nothing, or null before the migrations made its table. */
function mainWriteLock(sqlite: SqliteDatabase.Database): SqliteDatabase.Statement | null {
  try {
    return sqlite.prepare('delete from main.kefu_migrations where 0');
  } catch {
    return null;
  }
}

export class KefuSqliteDialect extends SqliteDialect {
  readonly #sqlite: SqliteDatabase.Database;
  readonly #beginImmediate: boolean;

  constructor(sqlite: SqliteDatabase.Database, config: SqliteDialectConfig, options: { beginImmediate: boolean }) {
    super(config);
    this.#sqlite = sqlite;
    this.#beginImmediate = options.beginImmediate;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const sqlite = this.#sqlite;
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection): Promise<void> => {
      if (sqlite.inTransaction) await rollback(connection);
    };
    if (this.#beginImmediate) {
      let lockMain: SqliteDatabase.Statement | null = null;
      driver.beginTransaction = async (connection: DatabaseConnection): Promise<void> => {
        if (withAttached.has(sqlite)) lockMain ??= mainWriteLock(sqlite);
        if (!lockMain || !withAttached.has(sqlite)) {
          await connection.executeQuery(CompiledQuery.raw('begin immediate'));
          return;
        }
        sqlite.exec('begin');
        try {
          lockMain.run();
        } catch (err) {
          sqlite.exec('rollback');
          throw err;
        }
      };
    }
    return driver;
  }
}
