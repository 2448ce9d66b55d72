import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSla } from '../../../../server/modules/sla/escalation.js';
import type { ReminderView } from '../../../../server/modules/sla/reminders.js';
import type { KefuEvent } from '../../../../server/realtime/events.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
});
afterAll(async () => t.close());

describe('reminders', () => {
  it('delivers "remind me" once, to the agent who set it, as an in-app notification', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, agent);
    const at = Date.now() + 3_600_000;
    const past = await api.post(`/tickets/${ticketId}/reminders`, { at: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body).toMatchObject({ error: { details: { field: 'at' } } });
    const made = await api.post<{ reminder: ReminderView }>(`/tickets/${ticketId}/reminders`, { at: new Date(at).toISOString(), note: 'Call back about the refund' });
    expect(made.status).toBe(201);
    expect((await api.get<{ items: ReminderView[] }>(`/tickets/${ticketId}/reminders`)).body.items).toHaveLength(1);

    const live: KefuEvent[] = [];
    const off = t.ctx.bus.on('notification.created', (e) => {
      live.push(e);
    });
    await sweepSla(t.ctx, at - 60_000);
    expect(live).toHaveLength(0);
    const [a, b] = await Promise.all([sweepSla(t.ctx, at), sweepSla(t.ctx, at)]);
    off();
    expect((a.reminders ?? 0) + (b.reminders ?? 0)).toBe(1);
    expect(live).toEqual([
      expect.objectContaining({ agentId: agent.agentId, notification: expect.objectContaining({ kind: 'reminder', ticketId, note: 'Call back about the refund' }) }),
    ]);
    expect((await api.get<{ items: ReminderView[] }>(`/tickets/${ticketId}/reminders`)).body.items).toHaveLength(0);
  });

  it('lets an agent cancel only their own reminders', async () => {
    const { ticketId } = await inboundTicket(t);
    const mine = await as(t, agent).post<{ reminder: ReminderView }>(`/tickets/${ticketId}/reminders`, { at: new Date(Date.now() + 60_000).toISOString() });
    expect((await as(t, t.admin).del(`/reminders/${mine.body.reminder.id}`)).status).toBe(404);
    expect((await as(t, agent).del(`/reminders/${mine.body.reminder.id}`)).status).toBe(204);
  });
});
