import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../../server/context.js';
import { scheduleJobs } from '../../../../server/jobs/index.js';
import { createLogger } from '../../../../server/logger.js';
import { sweepSla } from '../../../../server/modules/sla/escalation.js';
import type { SlaPolicyView } from '../../../../server/modules/sla/policy-types.js';
import type { KefuEvent } from '../../../../server/realtime/events.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof as>;
let watcher: Session;
let policyId: number;
const MIN = 60_000;

beforeAll(async () => {
  t = await createTestApp();
  api = as(t, t.admin);
  watcher = await t.signIn('agent');
  const res = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', {
    name: 'Everything',
    conditions: { all: [{ field: 'channel', op: 'equals', value: 'email' }] },
    targets: { firstResponseMinutes: 30 },
    warning: { minutes: 10 },
    escalation: {
      warning: [{ type: 'notify', to: 'agents', agentIds: [watcher.agentId] }],
      breach: [
        { type: 'notify', to: 'assignee' },
        { type: 'set_priority', priority: 'urgent' },
        { type: 'add_note', text: 'Breached: take this one first.' },
      ],
    },
  });
  expect(res.status).toBe(201);
  policyId = res.body.slaPolicy.id;
});
afterAll(async () => t.close());

async function createdAt(ticketId: number): Promise<number> {
  const row = await t.ctx.db.selectFrom('tickets').select('created_at').where('id', '=', ticketId).executeTakeFirstOrThrow();
  return row.created_at;
}
const lines = (ctx: AppContext, ticketId: number, kind: 'system' | 'note') =>
  ctx.db.selectFrom('messages').select(['text', 'meta']).where('ticket_id', '=', ticketId).where('kind', '=', kind).execute();
const notificationsOf = (agentId: number, ticketId: number) =>
  t.ctx.db.selectFrom('agent_notifications').select('kind').where('agent_id', '=', agentId).where('ticket_id', '=', ticketId).execute();

describe('SLA escalation sweep', () => {
  it('fires the warning and the breach once each, even when two sweeps overlap', async () => {
    const { ticketId } = await inboundTicket(t);
    await api.patch(`/tickets/${ticketId}`, { assigneeId: t.admin.agentId });
    const start = await createdAt(ticketId);
    const live: KefuEvent[] = [];
    const off = t.ctx.bus.on('notification.created', (e) => {
      live.push(e);
    });

    expect(await sweepSla(t.ctx, start + 19 * MIN)).toEqual({ warnings: 0, breaches: 0 });
    const warned = await Promise.all([sweepSla(t.ctx, start + 21 * MIN), sweepSla(t.ctx, start + 21 * MIN)]);
    expect(warned.reduce((n, r) => n + r.warnings, 0)).toBe(1);
    expect(await notificationsOf(watcher.agentId, ticketId)).toEqual([{ kind: 'sla.warning' }]);

    const breached = await Promise.all([sweepSla(t.ctx, start + 31 * MIN), sweepSla(t.ctx, start + 31 * MIN)]);
    expect(breached.reduce((n, r) => n + r.breaches, 0)).toBe(1);
    expect(await sweepSla(t.ctx, start + 90 * MIN)).toEqual({ warnings: 0, breaches: 0 });
    off();

    expect(await notificationsOf(t.admin.agentId, ticketId)).toEqual([{ kind: 'sla.breach' }]);
    expect(live.map((e) => e.type === 'notification.created' && [e.agentId, e.notification.kind])).toEqual([
      [watcher.agentId, 'sla.warning'],
      [t.admin.agentId, 'sla.breach'],
    ]);
    const system = await lines(t.ctx, ticketId, 'system');
    expect(system).toHaveLength(1);
    expect(JSON.parse(system[0]!.meta)).toMatchObject({ event: 'sla.breached', target: 'first_response', policy: 'Everything' });
    expect((await lines(t.ctx, ticketId, 'note')).map((n) => n.text)).toEqual(['Breached: take this one first.']);
    const ticket = await t.ctx.db.selectFrom('tickets').select('priority').where('id', '=', ticketId).executeTakeFirstOrThrow();
    expect(ticket.priority).toBe('urgent');
    const clock = await t.ctx.db.selectFrom('sla_targets').select(['policy_id', 'breach_fired_at', 'warned_at']).where('ticket_id', '=', ticketId).executeTakeFirstOrThrow();
    expect(clock).toEqual({ policy_id: policyId, breach_fired_at: start + 31 * MIN, warned_at: start + 21 * MIN });
  });

  it('fires each breach once when the process dies mid-sweep and another one sweeps again', async () => {
    const a = await inboundTicket(t);
    const b = await inboundTicket(t);
    const at = (await createdAt(b.ticketId)) + 31 * MIN;
    let fired = 0;
    await expect(
      sweepSla(t.ctx, at, {
        onFired: (_clock, kind) => {
          if (kind === 'breach' && ++fired === 2) throw new Error('killed mid-sweep');
        },
      }),
    ).rejects.toThrow('killed mid-sweep');

    // A second process on the same database file: the committed breach stays fired, the cut one fires now.
    const other = await createContext(t.config, createLogger('silent', { pretty: false }));
    try {
      const again = await sweepSla(other, at);
      expect(again.breaches).toBe(1);
      expect(await sweepSla(other, at)).toEqual({ warnings: 0, breaches: 0 });
      for (const id of [a.ticketId, b.ticketId]) expect(await lines(other, id, 'system')).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('fires on start a breach that fell due while Kefu was stopped', async () => {
    const { ticketId } = await inboundTicket(t);
    await sweepSla(t.ctx, Date.now());
    // Stopped for an hour: every stored instant is an hour further in the past when it starts again.
    const hour = 60 * MIN;
    await t.ctx.db.updateTable('tickets').set({ created_at: sql<number>`created_at - ${hour}` }).where('id', '=', ticketId).execute();
    await t.ctx.db
      .updateTable('sla_targets')
      .set({ due_at: sql<number>`due_at - ${hour}`, warn_at: sql<number>`warn_at - ${hour}` })
      .where('ticket_id', '=', ticketId)
      .execute();
    expect(await lines(t.ctx, ticketId, 'system')).toHaveLength(0);
    const restarted = await createContext(t.config, createLogger('silent', { pretty: false }));
    try {
      scheduleJobs(restarted);
      // stop() waits for the start-up run in flight.
      await restarted.scheduler.stop();
      expect(await lines(restarted, ticketId, 'system')).toHaveLength(1);
    } finally {
      await restarted.close();
    }
  });
});
