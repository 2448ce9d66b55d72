import { describe, expect, it } from 'vitest';
import type { PostgresDatabase } from '../../../server/db/postgres.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { PostgresLeaderLocks } from '../../../server/jobs/postgres-leader-locks.js';
import { Scheduler } from '../../../server/jobs/scheduler.js';
import { createLogger } from '../../../server/logger.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const logger = createLogger('silent');

/** A process's scheduler: its own pool and lock session, one every-second job recording its runs. */
function processScheduler(database: PostgresDatabase, name: string, runs: string[], onRun: () => void) {
  const locks = new PostgresLeaderLocks(database, logger);
  const scheduler = new Scheduler(logger, locks);
  scheduler.add({
    name: 'sweep',
    schedule: '* * * * * *',
    run: async () => {
      runs.push(name);
      onRun();
    },
  });
  return { locks, scheduler };
}

/** Resolves once `runs` holds `n` entries. */
function waiter() {
  const waits: Array<{ n: number; resolve: () => void }> = [];
  const runs: string[] = [];
  return {
    runs,
    check: () => {
      for (const w of waits.splice(0)) (runs.length >= w.n ? w.resolve : () => waits.push(w))();
    },
    until: (n: number) => new Promise<void>((resolve) => (runs.length >= n ? resolve() : waits.push({ n, resolve }))),
  };
}

describe.skipIf(postgresUnavailable() !== null)('scheduler with several processes on PostgreSQL', () => {
  const postgres = usePostgres();

  it('runs each tick in one process only, and the other takes over when the leader dies', async () => {
    const url = await postgres.freshDatabase();
    const a = await connectPostgres({ url, poolSize: 2 });
    const b = await connectPostgres({ url, poolSize: 2 });
    const seen = waiter();
    const pa = processScheduler(a, 'a', seen.runs, seen.check);
    const pb = processScheduler(b, 'b', seen.runs, seen.check);
    try {
      pa.scheduler.start();
      pb.scheduler.start();
      // Both processes tick every second; five ticks from both would be ten runs.
      await seen.until(5);
      const leader = seen.runs[0] as 'a' | 'b';
      expect(new Set(seen.runs)).toEqual(new Set([leader]));

      // The leader dies: its scheduler stops and its lock session drops with it.
      const [dead, alive] = leader === 'a' ? [pa, pb] : [pb, pa];
      await dead.scheduler.stop();
      await dead.locks.close();
      const before = seen.runs.length;
      await seen.until(before + 2);
      expect(seen.runs.slice(before)).toEqual([leader === 'a' ? 'b' : 'a', leader === 'a' ? 'b' : 'a']);
      await alive.scheduler.stop();
    } finally {
      await pa.scheduler.stop();
      await pb.scheduler.stop();
      await pa.locks.close();
      await pb.locks.close();
      await a.close();
      await b.close();
    }
  }, 60_000);
});
