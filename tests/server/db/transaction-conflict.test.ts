import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isTransactionConflict } from '../../../server/db/unique-violation.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

// Intake runs a transaction again when PostgreSQL aborted it for colliding with another process's:
// these are the errors a real server raises for that, and one it raises for something else.
describe.skipIf(postgresUnavailable() !== null)('a transaction PostgreSQL aborted for another one', () => {
  const postgres = usePostgres();

  it('is told apart from other errors: a real deadlock is a conflict, a unique violation is not', async () => {
    const url = await postgres.freshDatabase();
    const [a, b] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await a.connect();
    await b.connect();
    try {
      await a.query('create table counters (id int primary key, n int not null)');
      await a.query('insert into counters values (1, 0), (2, 0)');
      await a.query('begin');
      await b.query('begin');
      await a.query('update counters set n = n + 1 where id = 1');
      await b.query('update counters set n = n + 1 where id = 2');
      // Each now waits for the row the other holds: PostgreSQL aborts one of them.
      const outcomes = await Promise.allSettled([
        a.query('update counters set n = n + 1 where id = 2'),
        b.query('update counters set n = n + 1 where id = 1'),
      ]);
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(isTransactionConflict(failed[0]?.reason)).toBe(true);
      await a.query('rollback');
      await b.query('rollback');

      const duplicate = await a.query('insert into counters values (1, 0)').catch((err: unknown) => err);
      expect((duplicate as { code?: string }).code).toBe('23505');
      expect(isTransactionConflict(duplicate)).toBe(false);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
