import type SqliteDatabase from 'better-sqlite3';
import { SqliteDialect, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * SQLite rolls a transaction back by itself when a statement or the commit fails with
 * SQLITE_FULL, SQLITE_IOERR and the like. Kysely then sends its own ROLLBACK, which fails with
 * "no transaction is active" and replaces the real error, so a full disk surfaced as a bare 500.
 * Here the ROLLBACK is sent only when a transaction is still open.
 */
export class KefuSqliteDialect extends SqliteDialect {
  readonly #sqlite: SqliteDatabase.Database;

  constructor(sqlite: SqliteDatabase.Database, config: SqliteDialectConfig) {
    super(config);
    this.#sqlite = sqlite;
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const sqlite = this.#sqlite;
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection): Promise<void> => {
      if (sqlite.inTransaction) await rollback(connection);
    };
    return driver;
  }
}
