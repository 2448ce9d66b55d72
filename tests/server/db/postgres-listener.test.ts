import { describe, expect, it } from 'vitest';
import { PostgresListener } from '../../../server/db/postgres-listener.js';
import { connectPostgres } from '../../../server/db/postgres-startup.js';
import { createLogger } from '../../../server/logger.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

describe.skipIf(postgresUnavailable() !== null)('the LISTEN connection', () => {
  const postgres = usePostgres();

  it('follows channels registered at the same moment, one statement at a time, and warns about nothing', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const database = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    const listener = new PostgresListener(database, createLogger('silent', { pretty: false }));
    try {
      await listener.start();
      const channels = ['kefu_a', 'kefu_b', 'kefu_c', 'kefu_d'];
      const heard = new Map<string, string>();
      // As the relay, the journal and presence do when a process starts: all at once, not awaited in turn.
      await Promise.all(channels.map((c) => listener.listen(c, (payload) => heard.set(c, payload))));
      for (const c of channels) await database.pool.query('select pg_notify($1, $2)', [c, `to ${c}`]);
      await expect.poll(() => heard.size).toBe(channels.length);
      expect(Object.fromEntries(heard)).toEqual(Object.fromEntries(channels.map((c) => [c, `to ${c}`])));
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await listener.close();
      await database.close();
    }
  });
});
