import { rmSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { migrations } from '../../../migrations/index.js';
import { tempDir } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const dir = tempDir('kefu-pg-migrations-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** PostgreSQL types that hold what a SQLite column of each declared type holds. */
const COMPATIBLE: Record<string, string[]> = {
  // Every integer is a bigint: ids and millisecond timestamps outgrow int4.
  integer: ['bigint'],
  text: ['text'],
  real: ['double precision'],
};

/** The SQLite schema: every ordinary table's columns and declared types. FTS5 tables are SQLite's own. */
async function sqliteColumns(): Promise<Map<string, Map<string, string>>> {
  const database = openDatabase(path.join(dir, 'kefu.sqlite'));
  try {
    await migrateToLatest(database, path.join(dir, 'backups'));
    const tables = database.sqlite
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and sql not like 'CREATE VIRTUAL%' and name not like 'kb_fts_%' order by name")
      .pluck()
      .all() as string[];
    return new Map(
      tables.map((t) => {
        const cols = database.sqlite.prepare(`select name, lower(type) as type from pragma_table_info(?)`).all(t) as Array<{ name: string; type: string }>;
        return [t, new Map(cols.map((c) => [c.name, c.type]))];
      }),
    );
  } finally {
    await database.close();
  }
}

describe.skipIf(postgresUnavailable() !== null)('the migrations on PostgreSQL', () => {
  const postgres = usePostgres();

  it('run from the same files on a fresh database, and again without applying anything', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      const first = await migrateToLatest(database, '');
      expect(first.applied).toEqual(Object.keys(migrations));
      expect((await migrateToLatest(database, '')).applied).toEqual([]);

      const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
        select table_name, column_name, data_type from information_schema.columns where table_schema = 'public'`.execute(database.db);
      const pg = new Map<string, Map<string, string>>();
      for (const r of rows) pg.set(r.table_name, (pg.get(r.table_name) ?? new Map()).set(r.column_name, r.data_type));

      const problems: string[] = [];
      for (const [table, columns] of await sqliteColumns()) {
        const found = pg.get(table);
        if (!found) {
          problems.push(`${table}: missing`);
          continue;
        }
        for (const [column, type] of columns) {
          const pgType = found.get(column);
          if (pgType === undefined) problems.push(`${table}.${column}: missing`);
          else if (!(COMPATIBLE[type] ?? [pgType]).includes(pgType)) problems.push(`${table}.${column}: ${type} became ${pgType}`);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
