import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';

/**
 * Tables the copy leaves out: SQLite's own bookkeeping, the migrations' (the target's own migrate
 * writes them), the FTS5 knowledge-base index and its shadow tables, and the search queue, the
 * SQLite indexer's work list (the target indexes every copied row itself; see copy.ts).
 */
export function isSkipped(table: string): boolean {
  return (
    table.startsWith('sqlite_') ||
    table === 'kefu_migrations' ||
    table === 'kefu_migrations_lock' ||
    table === 'kb_fts' ||
    table.startsWith('kb_fts_') ||
    table === 'search_queue'
  );
}

export interface KeyColumn {
  name: string;
  /** Text keys are ordered by code point on both sides (SQLite's binary, PostgreSQL's "C"). */
  text: boolean;
}

export interface TablePlan {
  name: string;
  /** Stored columns, in SQLite's order; generated ones are left to the target to compute. */
  columns: string[];
  key: KeyColumn[];
  /** Columns referencing this same table: inserted empty, then set once every row is in. */
  selfRefs: string[];
  /** The identity column on the target, if any, whose sequence must continue past the copy. */
  identity: string | null;
  /** SQLite's AUTOINCREMENT high-water mark: ids of deleted rows are never handed out again. */
  sqliteSequence: number;
}

export class CopyRefused extends Error {
  override readonly name = 'CopyRefused';
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export { quoteIdent };

/** Every table to copy, parents before the tables referencing them. */
export async function planCopy(sqlite: SqliteDatabase.Database, client: pg.ClientBase): Promise<TablePlan[]> {
  const names = (sqlite.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all() as string[]).filter(
    (n) => !isSkipped(n),
  );
  const target = await client.query<{ table_name: string; column_name: string; is_generated: string; is_identity: string }>(
    `select table_name, column_name, is_generated, is_identity from information_schema.columns where table_schema = current_schema()`,
  );
  const targetColumns = new Map<string, typeof target.rows>();
  for (const row of target.rows) targetColumns.set(row.table_name, [...(targetColumns.get(row.table_name) ?? []), row]);
  const hasSequence = sqlite.prepare("select count(*) from sqlite_master where name = 'sqlite_sequence'").pluck().get() === 1;
  const sequences = new Map<string, number>(
    hasSequence ? (sqlite.prepare('select name, seq from sqlite_sequence').raw().all() as Array<[string, number]>) : [],
  );

  const plans = new Map<string, TablePlan & { parents: Set<string> }>();
  for (const name of names) {
    const found = targetColumns.get(name);
    if (!found) throw new CopyRefused(`table ${name} is missing on the target after its migrations`);
    const info = sqlite.prepare('select name, lower(type) as type, pk from pragma_table_info(?)').all(name) as Array<{ name: string; type: string; pk: number }>;
    for (const col of info) {
      const there = found.find((c) => c.column_name === col.name);
      if (!there || there.is_generated === 'ALWAYS') throw new CopyRefused(`column ${name}.${col.name} has no stored column on the target`);
    }
    const key = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => ({ name: c.name, text: !c.type.includes('int') }));
    if (key.length === 0) throw new CopyRefused(`table ${name} has no primary key to order its rows by`);
    const fks = sqlite.prepare('select "table" as parent, "from" as col from pragma_foreign_key_list(?)').all(name) as Array<{ parent: string; col: string }>;
    plans.set(name, {
      name,
      columns: info.map((c) => c.name),
      key,
      selfRefs: fks.filter((f) => f.parent === name).map((f) => f.col),
      identity: found.find((c) => c.is_identity === 'YES')?.column_name ?? null,
      sqliteSequence: sequences.get(name) ?? 0,
      parents: new Set(fks.map((f) => f.parent).filter((p) => p !== name && names.includes(p))),
    });
  }
  return dependencyOrder(plans);
}

function dependencyOrder(plans: Map<string, TablePlan & { parents: Set<string> }>): TablePlan[] {
  const ordered: TablePlan[] = [];
  const done = new Set<string>();
  while (done.size < plans.size) {
    const ready = [...plans.values()].filter((p) => !done.has(p.name) && [...p.parents].every((parent) => done.has(parent)));
    if (ready.length === 0) {
      const left = [...plans.keys()].filter((n) => !done.has(n));
      throw new CopyRefused(`foreign keys form a cycle between ${left.join(', ')}`);
    }
    for (const { parents: _parents, ...plan } of ready) {
      ordered.push(plan);
      done.add(plan.name);
    }
  }
  return ordered;
}
