import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSla } from '../../../../server/modules/sla/escalation.js';
import type { NotificationView } from '../../../../server/modules/sla/notifications.js';
import { wakeSnoozedTickets } from '../../../../server/modules/tickets/snooze.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

interface Page {
  items: NotificationView[];
  nextCursor: string | null;
  unreadCount: number;
}

let t: TestApp;
let agent: Session;
let other: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  other = await t.signIn('agent');
});
afterAll(async () => t.close());

/** Three reminders fired one after another, so they are told apart by order. */
async function threeReminders(session: Session): Promise<number[]> {
  const api = as(t, session);
  const tickets: number[] = [];
  for (const note of ['first', 'second', 'third']) {
    const { ticketId } = await inboundTicket(t);
    const at = Date.now() + 60_000;
    expect((await api.post(`/tickets/${ticketId}/reminders`, { at: new Date(at).toISOString(), note })).status).toBe(201);
    await sweepSla(t.ctx, at);
    tickets.push(ticketId);
  }
  return tickets;
}

describe('notification tray API', () => {
  it('lists the agent’s own notifications newest first, page by page, with the unread count', async () => {
    const tickets = await threeReminders(agent);
    const api = as(t, agent);
    const first = await api.get<Page>('/notifications?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.unreadCount).toBe(3);
    expect(first.body.items.map((n) => [n.kind, n.ticketId, n.note, n.readAt])).toEqual([
      ['reminder', tickets[2], 'third', null],
      ['reminder', tickets[1], 'second', null],
    ]);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await api.get<Page>(`/notifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((n) => n.note)).toEqual(['first']);
    expect(second.body.nextCursor).toBeNull();
    expect((await as(t, other).get<Page>('/notifications')).body).toEqual({ items: [], nextCursor: null, unreadCount: 0 });
    expect((await api.get('/notifications?cursor=abc')).status).toBe(400);
  });

  it('marks the listed ones read, never another agent’s, or all at once', async () => {
    const api = as(t, agent);
    const before = (await api.get<Page>('/notifications')).body;
    const [newest, middle] = before.items;
    // Another agent naming this agent's notification changes nothing.
    expect((await as(t, other).post<{ unreadCount: number }>('/notifications/read', { ids: [newest!.id] })).body).toEqual({ unreadCount: 0 });
    expect((await api.get<Page>('/notifications')).body.unreadCount).toBe(before.unreadCount);

    const read = await api.post<{ unreadCount: number }>('/notifications/read', { ids: [newest!.id, middle!.id] });
    expect(read.status).toBe(200);
    expect(read.body.unreadCount).toBe(before.unreadCount - 2);
    const after = (await api.get<Page>('/notifications')).body;
    expect(after.items.find((n) => n.id === newest!.id)?.readAt).toEqual(expect.any(String));
    expect((await api.post('/notifications/read', {})).status).toBe(400);
    expect((await api.post<{ unreadCount: number }>('/notifications/read', { all: true })).body).toEqual({ unreadCount: 0 });
  });

  it('tells the assignee when a snoozed ticket wakes up', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, other);
    await as(t, t.admin).patch(`/tickets/${ticketId}`, { assigneeId: other.agentId });
    const until = Date.now() + 60_000;
    expect((await api.patch(`/tickets/${ticketId}`, { status: 'snoozed', snoozedUntil: new Date(until).toISOString() })).status).toBe(200);
    expect(await wakeSnoozedTickets(t.ctx, until)).toBe(1);
    const page = (await api.get<Page>('/notifications')).body;
    expect(page.unreadCount).toBe(1);
    expect(page.items[0]).toMatchObject({ kind: 'snooze.woke', ticketId, dueAt: new Date(until).toISOString() });
  });

  it('is documented at /api/docs/json', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    expect(Object.keys(doc.paths['/api/v1/notifications'] ?? {})).toContain('get');
    expect(Object.keys(doc.paths['/api/v1/notifications/read'] ?? {})).toContain('post');
  });
});
