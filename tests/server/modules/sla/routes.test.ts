import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlaPolicyView, TicketSlaView } from '../../../../server/modules/sla/policy-types.js';
import type { TicketView } from '../../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket, makeLabel } from '../../tickets/fixtures.js';

let t: TestApp;
let api: ReturnType<typeof as>;

beforeAll(async () => {
  t = await createTestApp();
  api = as(t, t.admin);
});
afterAll(async () => t.close());

const urgentPolicy = (over: Record<string, unknown> = {}) => ({
  name: `Urgent ${Math.random()}`,
  conditions: { all: [{ field: 'priority', op: 'equals', value: 'urgent' }] },
  pauseWhenPending: true,
  targets: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 480 },
  ...over,
});
type Detail = { ticket: TicketView; sla: TicketSlaView };
const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

describe('SLA policies API', () => {
  it('creates a policy, and refuses bad targets and unknown calendars naming the field', async () => {
    const created = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', urgentPolicy({ name: 'Shape check' }));
    expect(created.status).toBe(201);
    expect(created.body.slaPolicy).toMatchObject({ name: 'Shape check', businessHoursId: null, pauseWhenPending: true, targets: { firstResponseMinutes: 30 } });
    await api.del(`/sla-policies/${created.body.slaPolicy.id}`);

    for (const minutes of [0, -5]) {
      const res = await api.post('/sla-policies', urgentPolicy({ targets: { firstResponseMinutes: minutes } }));
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('firstResponseMinutes');
    }
    // A cleared target stays cleared (null is not read as 0), and the others are kept.
    const cleared = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', urgentPolicy({ name: 'Cleared', targets: { firstResponseMinutes: 30, nextResponseMinutes: null } }));
    expect(cleared.status).toBe(201);
    expect(cleared.body.slaPolicy.targets).toEqual({ firstResponseMinutes: 30, nextResponseMinutes: null, resolutionMinutes: null });
    await api.del(`/sla-policies/${cleared.body.slaPolicy.id}`);
    const noCalendar = await api.post('/sla-policies', urgentPolicy({ businessHoursId: 9999 }));
    expect(noCalendar.status).toBe(400);
    expect(noCalendar.body).toMatchObject({ error: { details: { field: 'businessHoursId' } } });
    const badCondition = await api.post('/sla-policies', urgentPolicy({ conditions: { all: [{ field: 'priority', op: 'equals', value: 'asap' }] } }));
    expect(badCondition.status).toBe(400);
    expect(badCondition.body).toMatchObject({ error: { details: { field: 'conditions.all[0].value' } } });
  });

  it('applies once the conditions hold, counting from creation, and recomputes on a priority change', async () => {
    const urgent = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', urgentPolicy({ name: 'Urgent' }));
    const high = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', {
      name: 'High',
      conditions: { all: [{ field: 'priority', op: 'in', value: ['high'] }] },
      targets: { firstResponseMinutes: 240 },
    });
    const { ticketId } = await inboundTicket(t);
    const before = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(before.body.sla).toBeNull();
    expect(before.body.ticket.slaClock).toBeNull();

    const announced: Array<{ changes: string[]; slaClock: TicketView['slaClock'] }> = [];
    const off = t.ctx.bus.on('ticket.updated', (e) => {
      if (e.ticketId === ticketId && e.changes.includes('sla')) announced.push({ changes: e.changes, slaClock: e.ticket.slaClock });
    });
    await api.patch(`/tickets/${ticketId}`, { priority: 'urgent' });
    const after = await api.get<Detail>(`/tickets/${ticketId}`);
    off();
    // Lists hear of the new due time once, with the badge's data, and the announcement causes no re-computation loop.
    expect(announced).toEqual([{ changes: ['sla'], slaClock: after.body.ticket.slaClock }]);
    const created = after.body.ticket.createdAt;
    expect(after.body.sla).toMatchObject({
      policyId: urgent.body.slaPolicy.id,
      policyName: 'Urgent',
      firstResponse: { dueAt: plus(created, 30), status: 'running' },
      nextResponse: null,
      resolution: { dueAt: plus(created, 480), status: 'running' },
    });
    expect(after.body.ticket.slaClock).toMatchObject({ dueAt: plus(created, 30), breached: false });

    await api.patch(`/tickets/${ticketId}`, { priority: 'high' });
    const lowered = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(lowered.body.sla).toMatchObject({ policyId: high.body.slaPolicy.id, firstResponse: { dueAt: plus(created, 240) }, resolution: null });

    await api.post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'On it.' });
    const replied = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(replied.body.sla?.firstResponse?.status).toBe('met');

    // Outcomes are kept per target for reports.
    const rows = await t.ctx.db.selectFrom('sla_targets').select(['target', 'status', 'policy_id']).where('ticket_id', '=', ticketId).execute();
    expect(rows).toEqual([{ target: 'first_response', status: 'met', policy_id: high.body.slaPolicy.id }]);
    for (const id of [urgent.body.slaPolicy.id, high.body.slaPolicy.id]) await api.del(`/sla-policies/${id}`);
  });

  it('puts the first matching policy first in the order the admin sets', async () => {
    const vip = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', {
      name: 'VIP',
      conditions: { all: [{ field: 'contact.vip', op: 'equals', value: true }] },
      targets: { firstResponseMinutes: 15 },
    });
    const everyone = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', { name: 'Everyone', conditions: { all: [] }, targets: { firstResponseMinutes: 600 } });
    const { ticketId, contactId } = await inboundTicket(t);
    expect((await api.get<Detail>(`/tickets/${ticketId}`)).body.sla?.policyName).toBe('Everyone');
    await api.patch(`/contacts/${contactId}`, { attributes: { vip: true } });
    expect((await api.get<Detail>(`/tickets/${ticketId}`)).body.sla?.policyName).toBe('VIP');
    const reordered = await t.app.inject({ method: 'PUT', url: '/api/v1/sla-policies/order', headers: t.admin.headers, payload: { ids: [everyone.body.slaPolicy.id, vip.body.slaPolicy.id] } });
    expect(reordered.statusCode).toBe(200);
    // Open tickets follow a policy change in the background.
    await t.ctx.slaRecompute.idle();
    expect((await api.get<Detail>(`/tickets/${ticketId}`)).body.sla?.policyName).toBe('Everyone');
    for (const id of [vip.body.slaPolicy.id, everyone.body.slaPolicy.id]) await api.del(`/sla-policies/${id}`);
  });

  it('refuses to delete a calendar a policy counts in', async () => {
    const cal = await api.post<{ businessHours: { id: number } }>('/business-hours', {
      name: 'Office',
      timezone: 'Asia/Shanghai',
      weekly: { mon: [{ from: '09:00', to: '18:00' }] },
    });
    const policy = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', urgentPolicy({ name: 'Office hours', businessHoursId: cal.body.businessHours.id }));
    expect(policy.status).toBe(201);
    const refused = await api.del(`/business-hours/${cal.body.businessHours.id}`);
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('Office hours');
    await api.del(`/sla-policies/${policy.body.slaPolicy.id}`);
    expect((await api.del(`/business-hours/${cal.body.businessHours.id}`)).status).toBe(204);
  });

  it('lists tickets due soonest first, and those breaching soon', async () => {
    const quick = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', {
      name: 'Quick',
      conditions: { all: [{ field: 'labels', op: 'contains', value: 'quick' }] },
      targets: { firstResponseMinutes: 20 },
    });
    const slow = await api.post<{ slaPolicy: SlaPolicyView }>('/sla-policies', { name: 'Slow', conditions: { all: [] }, targets: { firstResponseMinutes: 600 } });
    const a = await inboundTicket(t);
    const b = await inboundTicket(t);
    await makeLabel(t, 'quick');
    expect((await api.patch(`/tickets/${b.ticketId}`, { labels: ['quick'] })).status).toBe(200);
    const sorted = await api.get<{ items: TicketView[] }>('/tickets?sort=sla_due&order=asc');
    const ids = sorted.body.items.map((i) => i.id);
    expect(ids.indexOf(b.ticketId)).toBeLessThan(ids.indexOf(a.ticketId));
    expect(sorted.body.items.every((i) => i.slaClock !== null)).toBe(true);
    const soon = await api.get<{ items: TicketView[] }>('/tickets?sla=breaching&sort=sla_due&order=asc');
    expect(soon.body.items.map((i) => i.id)).toContain(b.ticketId);
    expect(soon.body.items.map((i) => i.id)).not.toContain(a.ticketId);
    expect((await api.get('/tickets?sla=late')).status).toBe(400);
    for (const id of [quick.body.slaPolicy.id, slow.body.slaPolicy.id]) await api.del(`/sla-policies/${id}`);
  });
});
