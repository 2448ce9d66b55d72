import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../../../server/context.js';
import { scheduleJobs } from '../../../../server/jobs/index.js';
import { createLogger } from '../../../../server/logger.js';
import type { SlaPolicyView } from '../../../../server/modules/sla/policy-types.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

const MIN = 60_000;
let t: TestApp;
let api: ReturnType<typeof as>;

beforeAll(async () => {
  t = await createTestApp();
  api = as(t, t.admin);
  t.ctx.slaRecompute.chunk = 5;
});
afterAll(async () => t.close());

async function ticketsWithoutPolicy(n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push((await inboundTicket(t)).ticketId);
  return ids;
}

/** Each ticket's first-response due time, and what it should be: 30 minutes of calendar time after creation. */
async function dueTimes(ids: number[]) {
  const rows = await t.ctx.db.selectFrom('tickets').select(['id', 'created_at', 'first_response_due_at']).where('id', 'in', ids).orderBy('id').execute();
  return { actual: rows.map((r) => r.first_response_due_at), expected: rows.map((r) => r.created_at + 30 * MIN) };
}

const marker = () => t.ctx.db.selectFrom('sla_recompute').selectAll().executeTakeFirst();
const policy = (name: string) => ({ name, conditions: { all: [] }, targets: { firstResponseMinutes: 30 } });

describe('re-computation after a policy change', () => {
  it('runs in the background, in chunks, and leaves every open ticket with the right due times', async () => {
    const ids = await ticketsWithoutPolicy(12);
    let chunks = 0;
    t.ctx.slaRecompute.onChunk = () => {
      chunks++;
    };
    const res = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', policy('Everyone'));
    expect(res.status).toBe(201);
    await t.ctx.slaRecompute.idle();
    t.ctx.slaRecompute.onChunk = undefined;
    expect(chunks).toBe(3);
    const { actual, expected } = await dueTimes(ids);
    expect(actual).toEqual(expected);
    expect(await marker()).toBeUndefined();

    // A failing chunk is the background's problem: the save itself still succeeds.
    t.ctx.slaRecompute.onChunk = () => {
      throw new Error('disk full');
    };
    const patched = await api.patch<{ slaPolicy: SlaPolicyView }>(`/sla-policies/${res.body.slaPolicy.id}`, { targets: { firstResponseMinutes: 45 } });
    expect(patched.status).toBe(200);
    await t.ctx.slaRecompute.idle();
    t.ctx.slaRecompute.onChunk = undefined;
    expect(await marker()).toMatchObject({ after_ticket_id: 0 });
    expect((await api.del(`/sla-policies/${res.body.slaPolicy.id}`)).status).toBe(204);
    await t.ctx.slaRecompute.idle();
    expect(await marker()).toBeUndefined();
    expect((await dueTimes(ids)).actual.every((d) => d === null)).toBe(true);
  });

  it('finishes after a restart from where it stopped', async () => {
    const ids = await ticketsWithoutPolicy(12);
    let chunk = 0;
    t.ctx.slaRecompute.onChunk = () => {
      if (++chunk === 2) throw new Error('killed mid-run');
    };
    const res = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', policy('Restarted'));
    expect(res.status).toBe(201);
    await t.ctx.slaRecompute.idle();
    t.ctx.slaRecompute.onChunk = undefined;

    // The first chunk of the whole table committed; these tickets come after the earlier test's.
    const stopped = await marker();
    expect(stopped).toBeDefined();
    expect(stopped!.after_ticket_id).toBeGreaterThan(0);
    const before = await dueTimes(ids);
    expect(before.actual.some((d) => d === null)).toBe(true);

    // Kefu starts again on the same database file and picks the work up.
    const restarted = await createContext(t.config, createLogger('silent', { pretty: false }));
    try {
      scheduleJobs(restarted);
      await restarted.slaRecompute.idle();
      await restarted.scheduler.stop();
    } finally {
      await restarted.close();
    }
    const after = await dueTimes(ids);
    expect(after.actual).toEqual(after.expected);
    expect(await marker()).toBeUndefined();
  });
});
