import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

describe.skipIf(postgresUnavailable() !== null)('the throwaway PostgreSQL of the tests', () => {
  const postgres = usePostgres();

  it('gives each test its own empty database on a loopback port', async () => {
    const first = await postgres.freshDatabase();
    const second = await postgres.freshDatabase();
    expect(first).not.toBe(second);
    expect(new URL(first).hostname).toBe('127.0.0.1');
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; tables: string }>(
        "select current_database() as db, (select count(*) from pg_tables where schemaname = 'public') as tables",
      );
      expect(rows[0]).toEqual({ db: new URL(first).pathname.slice(1), tables: '0' });
    } finally {
      await client.end();
    }
  });
});
