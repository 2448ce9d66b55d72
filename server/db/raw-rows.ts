import type { AnyDatabase } from './postgres.js';

/**
 * Hand-written SQL read as arrays, for the reports and exports: aggregate statements Kysely's
 * builder would only obscure, written with `?` placeholders on both drivers. On SQLite they run
 * on the synchronous handle exactly as before; on PostgreSQL through the pool.
 */
export interface RawRows {
  readonly driver: 'sqlite' | 'postgres';
  /** Every row, for statements that return few (grouped figures, one page). */
  all<T extends unknown[]>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The first column of every row (a list of ids): no array per row. */
  column<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * Every row handed to `fn` as it is read, never all held at once (a row per ticket). On
   * PostgreSQL a server-side cursor is read in batches inside one read-only transaction.
   */
  each<T extends unknown[]>(sql: string, params: readonly unknown[], fn: (row: T) => void): Promise<void>;
}

/** Rows a PostgreSQL cursor hands over per round trip. */
const BATCH = 5000;

/**
 * `?` placeholders numbered as PostgreSQL wants them; our statements have no `?` inside literals.
 * A statement Kysely compiled for PostgreSQL is numbered already and passes through unchanged.
 */
const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

const sources = new WeakMap<AnyDatabase, RawRows>();

export function rawRows(database: AnyDatabase): RawRows {
  let source = sources.get(database);
  if (!source) sources.set(database, (source = database.driver === 'sqlite' ? sqliteRows(database.sqlite) : postgresRows(database.pool)));
  return source;
}

type SqliteHandle = Extract<AnyDatabase, { driver: 'sqlite' }>['sqlite'];
type PostgresPool = Extract<AnyDatabase, { driver: 'postgres' }>['pool'];

function sqliteRows(sqlite: SqliteHandle): RawRows {
  return {
    driver: 'sqlite',
    async all<T extends unknown[]>(sql: string, params: readonly unknown[] = []) {
      return sqlite.prepare(sql).raw(true).all(...params) as T[];
    },
    async column<T>(sql: string, params: readonly unknown[] = []) {
      return sqlite.prepare(sql).pluck().all(...params) as T[];
    },
    async each<T extends unknown[]>(sql: string, params: readonly unknown[], fn: (row: T) => void) {
      for (const row of sqlite.prepare(sql).raw(true).iterate(...params)) fn(row as T);
    },
  };
}

function postgresRows(pool: PostgresPool): RawRows {
  return {
    driver: 'postgres',
    async all<T extends unknown[]>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query<T>({ text: numbered(sql), values: [...params], rowMode: 'array' });
      return result.rows;
    },
    async column<T>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query<[T]>({ text: numbered(sql), values: [...params], rowMode: 'array' });
      return result.rows.map((row) => row[0]);
    },
    async each<T extends unknown[]>(sql: string, params: readonly unknown[], fn: (row: T) => void) {
      const client = await pool.connect();
      let failed = false;
      try {
        await client.query('begin read only');
        await client.query({ text: `declare kefu_rows no scroll cursor for ${numbered(sql)}`, values: [...params] });
        for (;;) {
          const batch = await client.query<T>({ text: `fetch ${BATCH} from kefu_rows`, rowMode: 'array' });
          for (const row of batch.rows) fn(row);
          if (batch.rows.length < BATCH) break;
        }
        await client.query('commit');
      } catch (error) {
        failed = true;
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        // A connection whose rollback may not have gone through is not handed to the next caller.
        client.release(failed);
      }
    },
  };
}
