import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../server/db/migrate.js';
import type { PostgresDatabase } from '../../../server/db/postgres.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { createLogger } from '../../../server/logger.js';
import { Outbox } from '../../../server/outbox/outbox.js';
import { enqueue } from '../../../server/outbox/queue.js';
import { EventBus } from '../../../server/realtime/bus.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

const ROWS = 300;

/** A worker as a second process would have it: its own pool, its own Outbox, one sender counting sends. */
function worker(database: PostgresDatabase, sent: number[]): Outbox {
  const bus = new EventBus<KefuEvent>(() => undefined);
  const outbox = new Outbox({ database, bus, logger: createLogger('silent', { pretty: false }) }, { batchSize: 5 });
  outbox.registerSender('test', async (job) => {
    sent.push(job.payload.n as number);
    // A send takes a moment, so the other worker's claims overlap this one's lease.
    await new Promise((resolve) => setImmediate(resolve));
    return { status: 'sent' };
  });
  return outbox;
}

describe.skipIf(postgresUnavailable() !== null)('outbox claims on PostgreSQL', () => {
  const postgres = usePostgres();

  it('two workers on two pools send every row exactly once', async () => {
    const url = await postgres.freshDatabase();
    const a = await connectPostgres({ url, poolSize: 4 });
    const b = await connectPostgres({ url, poolSize: 4 });
    try {
      await migrateToLatest(a, '');
      for (let n = 0; n < ROWS; n++) await enqueue(a.db, { kind: 'test', payload: { n } });
      const sent: number[] = [];
      const workers = [worker(a, sent), worker(a, sent), worker(b, sent), worker(b, sent)];
      // Each worker drains as fast as it can, all at once: the claims race on the same due rows.
      await Promise.all(
        workers.map(async (w) => {
          while ((await w.runOnce()) > 0);
        }),
      );
      expect(sent.length).toBe(ROWS);
      expect(new Set(sent).size).toBe(ROWS);
      const left = await a.db.selectFrom('outbox').select('id').where('status', '!=', 'sent').execute();
      expect(left).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  }, 60_000);
});
