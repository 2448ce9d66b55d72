import { rmSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { migrations } from '../../../migrations/index.js';
import { queryText, searchVector } from '../../../server/search/postgres-terms.js';
import { parseQuery } from '../../../server/search/tokenize.js';
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

describe.skipIf(postgresUnavailable() !== null)('the PostgreSQL schema at work', () => {
  const postgres = usePostgres();

  it('has every index of the SQLite schema, and case-insensitive unique names as on SQLite', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      await migrateToLatest(database, '');
      const sqlite = openDatabase(path.join(dir, 'indexes.sqlite'));
      await migrateToLatest(sqlite, path.join(dir, 'backups'));
      const expected = sqlite.sqlite
        .prepare("select name from sqlite_master where type = 'index' and sql is not null and tbl_name not like 'kb_fts%' order by name")
        .pluck()
        .all() as string[];
      await sqlite.close();
      const { rows } = await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = 'public'`.execute(database.db);
      const found = new Set(rows.map((r) => r.indexname));
      expect(expected.filter((name) => !found.has(name))).toEqual([]);

      const agent = (email: string) =>
        sql`insert into agents (email, name, role, created_at, updated_at) values (${email}, 'Ann', 'agent', ${Date.now()}, ${Date.now()}) returning id`.execute(database.db);
      const first = await agent('Ann@Example.com');
      expect(first.rows).toEqual([{ id: 1 }]);
      await expect(agent('ann@example.COM')).rejects.toThrow(/agents_email/);
    } finally {
      await database.close();
    }
  });

  it('finds a two-character Chinese word, a prefix and a phrase through the GIN index of its kind of search terms', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      await migrateToLatest(database, '');
      const docs = ['我想申请退款', 'Café refunded please', '物流查询', '退一步海阔天空 款式'];
      for (const [i, text] of docs.entries()) {
        await sql`insert into search_documents (kind, row_id, terms) values ('messages', ${i + 1}, ${searchVector(text)}::tsvector)`.execute(database.db);
      }
      // Enough other messages that walking all of the kind's rows costs more than the index.
      await sql`insert into search_documents (kind, row_id, terms) select 'messages', g, 'filler'::tsvector from generate_series(100, 5000) g`.execute(database.db);
      await sql`analyze search_documents`.execute(database.db);
      const find = async (q: string) => {
        const where = sql`kind = 'messages' and terms @@ ${queryText(parseQuery(q))}::tsquery`;
        return database.transaction(async (tx) => {
          // Four rows would be scanned anyway; this shows the index answers when the table is large.
          await sql`set local enable_seqscan = off`.execute(tx);
          const plan = await sql<{ 'QUERY PLAN': string }>`explain select row_id from search_documents where ${where}`.execute(tx);
          const rows = await sql<{ row_id: number }>`select row_id from search_documents where ${where} order by row_id`.execute(tx);
          return { ids: rows.rows.map((r) => r.row_id), plan: plan.rows.map((r) => r['QUERY PLAN']).join('\n') };
        });
      };
      const refund = await find('退款');
      expect(refund.ids).toEqual([1]);
      expect(refund.plan).toMatch(/Bitmap Index Scan on search_documents_message_terms/);
      const prefix = await find('CAFE Refund');
      expect(prefix.ids).toEqual([2]);
      expect(prefix.plan).toMatch(/Bitmap Index Scan on search_documents_message_terms/);
      expect((await find('退')).ids).toEqual([1, 4]);
      expect((await find('物流')).ids).toEqual([3]);
      // The bigrams of 申请退款 in a row, not just somewhere in the text.
      expect((await find('申请退款')).ids).toEqual([1]);
      expect((await find('请退款式')).ids).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
