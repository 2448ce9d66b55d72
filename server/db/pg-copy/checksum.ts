import { createHash, type Hash } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import { quoteIdent, type TablePlan } from './plan.js';

export interface TableSum {
  rows: number;
  sha256: string;
}

/**
 * One value as both drivers hand it back, tagged by kind so 1, '1' and 1.5 differ: integers and
 * reals as decimal text, text with its length (no separator can be forged), blobs as hex.
 */
function normalise(value: unknown): string {
  if (value === null || value === undefined) return 'N;';
  if (typeof value === 'bigint') return `I${value};`;
  if (typeof value === 'number') return Number.isInteger(value) ? `I${value};` : `R${value};`;
  if (typeof value === 'string') return `T${value.length}:${value};`;
  if (Buffer.isBuffer(value)) return `B${value.toString('hex')};`;
  throw new Error(`cannot checksum a value of type ${typeof value}`);
}

class Summer {
  readonly #hash: Hash = createHash('sha256');
  #rows = 0;
  add(row: readonly unknown[]): void {
    this.#rows++;
    for (const value of row) this.#hash.update(normalise(value));
    this.#hash.update('\n');
  }
  result(): TableSum {
    return { rows: this.#rows, sha256: this.#hash.digest('hex') };
  }
}

const columnList = (plan: TablePlan): string => plan.columns.map(quoteIdent).join(', ');

/** SQLite's rows in key order: binary collation, whatever the column declares (nocase would differ). */
export function sqliteSelect(plan: TablePlan): string {
  const order = plan.key.map((k) => (k.text ? `${quoteIdent(k.name)} collate binary` : quoteIdent(k.name))).join(', ');
  return `select ${columnList(plan)} from ${quoteIdent(plan.name)} order by ${order}`;
}

export function sqliteSum(sqlite: SqliteDatabase.Database, plan: TablePlan): TableSum {
  const sum = new Summer();
  for (const row of sqlite.prepare(sqliteSelect(plan)).raw().iterate()) sum.add(row as unknown[]);
  return sum.result();
}

const FETCH = 2000;

/** The target's rows in the same order ("C" orders UTF-8 text by code point, as SQLite's binary does). */
export async function postgresSum(client: pg.ClientBase, plan: TablePlan): Promise<TableSum> {
  const order = plan.key.map((k) => (k.text ? `${quoteIdent(k.name)} collate "C"` : quoteIdent(k.name))).join(', ');
  const sum = new Summer();
  await client.query('begin isolation level repeatable read read only');
  try {
    await client.query(`declare kefu_sum no scroll cursor for select ${columnList(plan)} from ${quoteIdent(plan.name)} order by ${order}`);
    for (;;) {
      const batch = await client.query<unknown[]>({ text: `fetch ${FETCH} from kefu_sum`, rowMode: 'array' });
      for (const row of batch.rows) sum.add(row);
      if (batch.rows.length < FETCH) break;
    }
  } finally {
    await client.query('rollback');
  }
  return sum.result();
}
