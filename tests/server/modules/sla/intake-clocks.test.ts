import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createContext } from '../../../../server/context.js';
import { createLogger } from '../../../../server/logger.js';
import { POLICY_TTL_MS } from '../../../../server/modules/sla/policy-cache.js';
import { recomputeTicket } from '../../../../server/modules/sla/recompute.js';
import type { KefuEvent } from '../../../../server/realtime/events.js';
import { createTestApp, testDriver, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof as>;
const MIN = 60_000;

beforeAll(async () => {
  t = await createTestApp();
  api = as(t, t.admin);
});
afterAll(async () => t.close());

/** Lets whatever the last intake's events set off commit. */
const settled = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await t.ctx.database.transaction(async () => undefined);
  }
};

/** The events a new ticket's intake sets off, until they have all settled. */
async function eventsOf(run: () => Promise<unknown>): Promise<KefuEvent[]> {
  const seen: KefuEvent[] = [];
  const offs = (['ticket.created', 'ticket.updated', 'message.created'] as const).map((type) => t.ctx.bus.on(type, (e) => void seen.push(e)));
  try {
    await run();
    await settled();
  } finally {
    offs.forEach((off) => off());
  }
  return seen;
}

const clockRows = (ticketId: number) =>
  t.ctx.db.selectFrom('sla_targets').select(['target', 'cycle', 'policy_name', 'started_at', 'due_at', 'status']).where('ticket_id', '=', ticketId).orderBy('target').execute();

const policyId = async (name: string): Promise<number> => {
  const row = await t.ctx.db.selectFrom('sla_policies').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return row.id;
};

describe('a new ticket’s first SLA clocks', () => {
  it('are computed with the ticket: its created event carries the due time, and no SLA update follows', async () => {
    expect((await api.post('/sla-policies', { name: 'Everyone', conditions: { all: [] }, targets: { firstResponseMinutes: 30, resolutionMinutes: 600 } })).status).toBe(201);
    await t.ctx.slaRecompute.idle();
    onTestFinished(async () => {
      expect((await api.del(`/sla-policies/${await policyId('Everyone')}`)).status).toBe(204);
      await t.ctx.slaRecompute.idle();
    });
    let ticketId = 0;
    const events = await eventsOf(async () => ({ ticketId } = await inboundTicket(t)));
    const ticket = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirstOrThrow();
    expect(ticket.first_response_due_at).toBe(ticket.created_at + 30 * MIN);
    expect(ticket.resolution_due_at).toBe(ticket.created_at + 600 * MIN);
    const created = events.find((e) => e.type === 'ticket.created');
    expect(created?.type === 'ticket.created' && created.ticket.slaClock).toEqual({ dueAt: new Date(ticket.created_at + 30 * MIN).toISOString(), warnAt: null, breached: false });
    // The list learnt the due time from the created event: a second announcement would only redraw it.
    expect(events.filter((e) => e.type === 'ticket.updated')).toEqual([]);
    expect(await clockRows(ticketId)).toEqual([
      { target: 'first_response', cycle: 0, policy_name: 'Everyone', started_at: ticket.created_at, due_at: ticket.created_at + 30 * MIN, status: 'running' },
      { target: 'resolution', cycle: 0, policy_name: 'Everyone', started_at: ticket.created_at, due_at: ticket.created_at + 600 * MIN, status: 'running' },
    ]);
  });

  it('follow a policy change at once: the next ticket is timed by the changed, reordered or removed policies', async () => {
    expect((await api.post('/sla-policies', { name: 'Loyal', conditions: { all: [{ field: 'contact.vip', op: 'equals', value: true }] }, targets: { firstResponseMinutes: 10 } })).status).toBe(201);
    expect((await api.post('/sla-policies', { name: 'Rest', conditions: { all: [] }, targets: { firstResponseMinutes: 60 } })).status).toBe(201);
    const due = async (vip: boolean) => {
      const value = `vip-${Math.random()}@example.com`;
      if (vip) {
        const first = await inboundTicket(t, { sender: { identity: { kind: 'email', value } } });
        await t.ctx.db.updateTable('contacts').set({ attributes: JSON.stringify({ vip: true }) }).where('id', '=', first.contactId).execute();
      }
      const { ticketId } = await inboundTicket(t, { sender: { identity: { kind: 'email', value } } });
      const row = await t.ctx.db.selectFrom('tickets').select(['created_at', 'first_response_due_at']).where('id', '=', ticketId).executeTakeFirstOrThrow();
      return row.first_response_due_at === null ? null : (row.first_response_due_at - row.created_at) / MIN;
    };
    expect(await due(true)).toBe(10);
    expect(await due(false)).toBe(60);

    expect((await api.patch(`/sla-policies/${await policyId('Rest')}`, { targets: { firstResponseMinutes: 45 } })).status).toBe(200);
    expect(await due(false)).toBe(45);

    const order = [await policyId('Rest'), await policyId('Loyal')];
    expect((await t.app.inject({ method: 'PUT', url: '/api/v1/sla-policies/order', headers: t.admin.headers, payload: { ids: order } })).statusCode).toBe(200);
    expect(await due(true)).toBe(45);

    expect((await api.patch(`/sla-policies/${await policyId('Rest')}`, { enabled: false })).status).toBe(200);
    expect(await due(false)).toBe(null);
    expect(await due(true)).toBe(10);

    expect((await api.del(`/sla-policies/${await policyId('Loyal')}`)).status).toBe(204);
    expect(await due(true)).toBe(null);
    await t.ctx.slaRecompute.idle();
  });

  it('follow a policy changed by another process on the same database file', async () => {
    expect((await api.post('/sla-policies', { name: 'Shared', conditions: { all: [] }, targets: { firstResponseMinutes: 20 } })).status).toBe(201);
    onTestFinished(async () => {
      expect((await api.del(`/sla-policies/${await policyId('Shared')}`)).status).toBe(204);
      await t.ctx.slaRecompute.idle();
    });
    const minutes = async () => {
      const { ticketId } = await inboundTicket(t);
      const row = await t.ctx.db.selectFrom('tickets').select(['created_at', 'first_response_due_at']).where('id', '=', ticketId).executeTakeFirstOrThrow();
      return row.first_response_due_at === null ? null : (row.first_response_due_at - row.created_at) / MIN;
    };
    expect(await minutes()).toBe(20);
    // A second process (a mail pipe, a command, another server) writes on its own connection.
    const other = await createContext(t.config, createLogger('silent', { pretty: false }));
    try {
      await other.db.updateTable('sla_policies').set({ first_response_minutes: 25 }).where('name', '=', 'Shared').execute();
    } finally {
      await other.close();
    }
    // SQLite sees the other connection's commit at once (data_version); PostgreSQL's copy of the
    // policies lives for POLICY_TTL_MS, after which it must be read again.
    if (testDriver() === 'postgres') await new Promise((resolve) => setTimeout(resolve, POLICY_TTL_MS + 50));
    expect(await minutes()).toBe(25);
  });

  it('are the clocks a re-computation from the stored history gives, in business hours too', async () => {
    const day = [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }];
    const calendar = await api.post<{ businessHours: { id: number } }>('/business-hours', { name: 'Shanghai', timezone: 'Asia/Shanghai', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day } });
    expect(calendar.status).toBe(201);
    const policy = { name: 'Office', conditions: { all: [] }, businessHoursId: calendar.body.businessHours.id, warning: { percent: 20 }, targets: { firstResponseMinutes: 90, resolutionMinutes: 1200 } };
    expect((await api.post('/sla-policies', policy)).status).toBe(201);
    onTestFinished(async () => {
      expect((await api.del(`/sla-policies/${await policyId('Office')}`)).status).toBe(204);
      await t.ctx.slaRecompute.idle();
    });
    const { ticketId } = await inboundTicket(t, { receivedAt: Date.parse('2026-10-09T09:30:00Z') });
    const before = await t.ctx.db.selectFrom('sla_targets').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
    expect(before.map((r) => r.target)).toEqual(['first_response', 'resolution']);
    const changed = await t.ctx.database.transaction((tx) => recomputeTicket(t.ctx.businessHours, tx, ticketId));
    expect(changed).toBeNull();
    expect(await t.ctx.db.selectFrom('sla_targets').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute()).toEqual(before);
  });
});
