import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createContext, type AppContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { startServingPresenceLog } from '../../../server/modules/reports/presence-log.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

/**
 * Several serving processes on one PostgreSQL database: one starting must not end the stretches
 * another is still recording, and a crash's leftovers end when no process serves.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.skipIf(postgresUnavailable())('the presence log of several processes on PostgreSQL', () => {
  const postgres = usePostgres();

  async function serving(url: string, dir: string): Promise<AppContext> {
    const ctx = await createContext(configFromObject({ data_dir: dir, database: { driver: 'postgres', url, pool_size: 3 } }), createLogger('silent'));
    cleanups.push(() => ctx.close());
    return ctx;
  }

  const openStretches = async (ctx: AppContext) =>
    (await ctx.db.selectFrom('agent_presence_log').select(['agent_id', 'status']).where('ended_at', 'is', null).orderBy('agent_id').execute()).map((r) => [
      Number(r.agent_id),
      r.status,
    ]);

  it('leaves another live process’s open stretches alone, and ends a crashed one’s when it serves alone', async () => {
    const url = await postgres.freshDatabase();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-presence-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const a = await serving(url, dir);
    const t = Date.now();
    const agentId = Number(
      (await a.db.insertInto('agents').values({ email: 'ann@example.test', name: 'Ann', role: 'agent', language: 'en', preferences: '{}', active: 1, created_at: t, updated_at: t }).returning('id').executeTakeFirstOrThrow()).id,
    );

    const stopA = await startServingPresenceLog(a);
    a.bus.emit({ type: 'agent.presence', agentId, presence: 'online', actor: { kind: 'agent', id: agentId } });
    await vi.waitFor(async () => expect(await openStretches(a)).toEqual([[agentId, 'online']]));

    // A second process starts while the first serves Ann: her stretch stays open.
    const b = await serving(url, dir);
    const stopB = await startServingPresenceLog(b);
    expect(await openStretches(b)).toEqual([[agentId, 'online']]);

    // The first stops cleanly: it ends what it opened.
    await stopA();
    expect(await openStretches(b)).toEqual([]);

    // A process that died with a stretch open (here, a row it left behind)...
    await b.db.insertInto('agent_presence_log').values({ agent_id: agentId, status: 'away', started_at: Date.now(), ended_at: null }).execute();
    // ...is not ended while another process serves,
    const c = await serving(url, dir);
    const stopC = await startServingPresenceLog(c);
    expect(await openStretches(c)).toEqual([[agentId, 'away']]);
    await stopC();
    await stopB();
    // ...and is ended by the next process that finds itself alone.
    const d = await serving(url, dir);
    const stopD = await startServingPresenceLog(d);
    expect(await openStretches(d)).toEqual([]);
    await stopD();
  });
});
