import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { PLAN_EACH_RUN, poolWithStatementCache } from '../../../server/db/postgres-statement-cache.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

/** The statements prepared on the connection the query runs on (a transaction keeps to one). */
const preparedHere = sql<{ statement: string }>`select statement from pg_prepared_statements order by prepare_time`;

describe.skipIf(postgresUnavailable() !== null)('named statements on PostgreSQL', () => {
  const postgres = usePostgres();

  it('prepares a statement with parameters once per connection and reuses it; one without parameters is not kept', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    try {
      await sql`create table items (id bigint primary key, name text)`.execute(database.db);
      await database.db.transaction().execute(async (tx) => {
        for (let i = 1; i <= 3; i++) await sql`insert into items (id, name) values (${i}, ${`item ${i}`})`.execute(tx);
        await sql`select count(*) from items`.execute(tx);
        const kept = (await preparedHere.execute(tx)).rows.map((r) => r.statement);
        expect(kept.filter((s) => s.startsWith('insert into items'))).toHaveLength(1);
        expect(kept.some((s) => s.startsWith('select count(*) from items'))).toBe(false);
      });
      const rows = await sql<{ name: string }>`select name from items where id = ${2}`.execute(database.db);
      expect(rows.rows).toEqual([{ name: 'item 2' }]);
    } finally {
      await database.close();
    }
  });

  it('does not keep a statement marked to be planned with its values each run', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      await sql`create table items (id bigint primary key, name text)`.execute(database.db);
      await sql`insert into items values (1, 'one'), (2, 'two')`.execute(database.db);
      const read = (id: number) => database.db.selectFrom('items' as never).modifyFront(sql.raw(PLAN_EACH_RUN)).select(sql<string>`name`.as('name')).where(sql`id`, '=', id).execute();
      expect(await read(1)).toEqual([{ name: 'one' }]);
      expect(await read(2)).toEqual([{ name: 'two' }]);
      const kept = (await preparedHere.execute(database.db)).rows.map((r) => r.statement);
      expect(kept.filter((s) => s.includes('from "items"'))).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('keeps at most its bound of statements per connection, deallocating the oldest', async () => {
    const pool = new pg.Pool({ connectionString: await postgres.freshDatabase(), max: 1 });
    const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: poolWithStatementCache(pool, 3) }) });
    try {
      for (let i = 1; i <= 5; i++) {
        const text = `select ${i} + $1::int as n`;
        const result = await db.executeQuery<{ n: number }>({ sql: text, parameters: [10], query: { kind: 'RawNode' } as never, queryId: { queryId: `q${i}` } });
        expect(result.rows[0]?.n).toBe(10 + i);
      }
      // The evicted statements are deallocated before the next statement.
      await db.executeQuery({ sql: 'select $1::int as n', parameters: [1], query: { kind: 'RawNode' } as never, queryId: { queryId: 'last' } });
      const kept = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(db);
      expect(kept.rows[0]?.n).toBeLessThanOrEqual(3);
    } finally {
      await db.destroy();
    }
  });

  it('runs a kept statement again after its table changed shape (a migration since), outside a transaction', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      await sql`create table items (id bigint primary key, name text)`.execute(database.db);
      await sql`insert into items values (1, 'one')`.execute(database.db);
      const read = () => sql<Record<string, unknown>>`select * from items where id = ${1}`.execute(database.db);
      expect((await read()).rows).toEqual([{ id: 1, name: 'one' }]);
      await sql`alter table items add column note text`.execute(database.db);
      expect((await read()).rows).toEqual([{ id: 1, name: 'one', note: null }]);
    } finally {
      await database.close();
    }
  });

  it('forgets its statements when a transaction changes the schema, as migrations do, so the same text reads the new columns', async () => {
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 1 });
    try {
      const rows = await database.db.transaction().execute(async (tx) => {
        await sql`create table items (id bigint primary key, name text)`.execute(tx);
        await sql`insert into items values (1, 'one')`.execute(tx);
        const read = () => sql<Record<string, unknown>>`select * from items where id = ${1}`.execute(tx);
        await read();
        await sql`alter table items add column note text`.execute(tx);
        return (await read()).rows;
      });
      expect(rows).toEqual([{ id: 1, name: 'one', note: null }]);
    } finally {
      await database.close();
    }
  });
});
