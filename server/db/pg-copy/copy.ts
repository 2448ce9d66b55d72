import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import { indexPostgresQueue } from '../../search/postgres-index.js';
import type { PostgresDatabase } from '../postgres.js';
import { postgresSum, sqliteSelect, sqliteSum, type TableSum } from './checksum.js';
import { CopyRefused, isSkipped, quoteIdent, type TablePlan } from './plan.js';

/** Rows per insert statement at most; fewer for wide tables, to stay far below 65,535 parameters. */
const BATCH_ROWS = 500;
const BATCH_PARAMS = 30_000;

/**
 * Refuses a target holding rows in any table the copy would write: a copy never merges into
 * another desk's data. Tables missing there are fine (the migrations make them), and so are the
 * migrations' own (a target someone ran `kefu migrate` on is still empty).
 */
export async function refuseNonEmptyTarget(sqlite: SqliteDatabase.Database, client: pg.ClientBase): Promise<void> {
  const names = (sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]).filter((n) => !isSkipped(n));
  const filled: string[] = [];
  for (const name of [...names, 'search_documents', 'kb_search_documents']) {
    const exists = await client.query<{ found: boolean }>('select to_regclass($1) is not null as found', [quoteIdent(name)]);
    if (!exists.rows[0]?.found) continue;
    const rows = await client.query(`select 1 from ${quoteIdent(name)} limit 1`);
    if (rows.rows.length > 0) filled.push(name);
  }
  if (filled.length > 0) {
    throw new CopyRefused(`the target database already holds Kefu data (in ${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''}); give the URL of an empty database`);
  }
}

/**
 * Copies every planned table in one transaction: a failure leaves the target's tables empty.
 * `batchRows` caps the rows per insert (tests make it tiny to cross batch boundaries).
 */
export async function copyTables(
  sqlite: SqliteDatabase.Database,
  client: pg.ClientBase,
  plans: readonly TablePlan[],
  batchRows = BATCH_ROWS,
): Promise<void> {
  await client.query('begin');
  try {
    for (const plan of plans) {
      await copyTable(sqlite, client, plan, batchRows);
      await continueSequence(client, plan);
    }
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}

async function copyTable(sqlite: SqliteDatabase.Database, client: pg.ClientBase, plan: TablePlan, batchRows: number): Promise<void> {
  const width = plan.columns.length;
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(BATCH_PARAMS / width)));
  const selfRefAt = plan.selfRefs.map((c) => plan.columns.indexOf(c));
  const keyAt = plan.key.map((k) => plan.columns.indexOf(k.name));
  // A ticket merged into a newer ticket refers forward, across batches on a large desk (within
  // one statement PostgreSQL checks keys at its end); those references are set once the rows exist.
  const later: unknown[][] = [];
  let batch: unknown[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const values = batch.map((_, r) => `(${plan.columns.map((_c, c) => `$${r * width + c + 1}`).join(', ')})`).join(', ');
    await client.query(`insert into ${quoteIdent(plan.name)} (${plan.columns.map(quoteIdent).join(', ')}) values ${values}`, batch.flat());
    batch = [];
  };
  for (const source of sqlite.prepare(sqliteSelect(plan)).raw().iterate() as IterableIterator<unknown[]>) {
    const row = [...source];
    if (selfRefAt.some((i) => row[i] !== null)) {
      later.push([...keyAt.map((i) => row[i]), ...selfRefAt.map((i) => row[i])]);
      for (const i of selfRefAt) row[i] = null;
    }
    batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  const sets = plan.selfRefs.map((c, i) => `${quoteIdent(c)} = $${plan.key.length + i + 1}`).join(', ');
  const where = plan.key.map((k, i) => `${quoteIdent(k.name)} = $${i + 1}`).join(' and ');
  for (const params of later) await client.query(`update ${quoteIdent(plan.name)} set ${sets} where ${where}`, params);
}

/** The next id the target hands out follows the highest copied one (or SQLite's AUTOINCREMENT mark). */
async function continueSequence(client: pg.ClientBase, plan: TablePlan): Promise<void> {
  if (!plan.identity) return;
  const column = quoteIdent(plan.identity);
  await client.query(
    `select setval(pg_get_serial_sequence($1, $2), greatest(coalesce((select max(${column}) from ${quoteIdent(plan.name)}), 0), $3::bigint, 1),
      coalesce((select max(${column}) from ${quoteIdent(plan.name)}), 0) > 0 or $3::bigint > 0)`,
    [quoteIdent(plan.name), plan.identity, plan.sqliteSequence],
  );
}

/**
 * The search index is rebuilt, not copied: the copy's inserts queued every message, ticket and
 * contact (0009's triggers), and the target's own indexer turns the queue into search_documents
 * with the same terms SQLite's index holds. Returns how many documents it wrote.
 */
export async function rebuildSearch(database: PostgresDatabase): Promise<number> {
  while ((await indexPostgresQueue(database.db, 2000)) > 0) {
    // drained in batches, each its own transaction
  }
  const counted = await database.pool.query<{ n: number }>('select count(*) as n from search_documents');
  return counted.rows[0]?.n ?? 0;
}

export interface TableCheck {
  table: string;
  source: TableSum;
  target: TableSum;
  ok: boolean;
}

/** Row count and checksum of every copied table, computed the same way on both sides. */
export async function verifyTables(sqlite: SqliteDatabase.Database, client: pg.ClientBase, plans: readonly TablePlan[]): Promise<TableCheck[]> {
  const checks: TableCheck[] = [];
  for (const plan of plans) {
    const source = sqliteSum(sqlite, plan);
    const target = await postgresSum(client, plan);
    checks.push({ table: plan.name, source, target, ok: source.rows === target.rows && source.sha256 === target.sha256 });
  }
  return checks;
}
