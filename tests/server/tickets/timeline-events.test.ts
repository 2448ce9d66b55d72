import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { ContactView } from '../../../server/modules/contacts/schemas.js';
import type { MessageView, TicketView, TimelineEventView } from '../../../server/modules/tickets/schemas.js';
import { wakeSnoozedTickets } from '../../../server/modules/tickets/snooze.js';
import { timelineEventsQuery } from '../../../server/modules/tickets/timeline-events.js';
import { createTestApp, testDriver, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket, makeLabel, makeTeam } from './fixtures.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

type Detail = { ticket: TicketView; messages: MessageView[]; events: TimelineEventView[]; contact: ContactView };
type MessagePage = { items: MessageView[]; nextCursor: string | null; events: TimelineEventView[] };

let t: TestApp;
let sam: Session;
let samName: string;
let adminName: string;
let billing: number;

beforeAll(async () => {
  t = await createTestApp();
  sam = await t.signIn('agent');
  const agents = await as(t, t.admin).get<{ items: { id: number; name: string }[] }>('/agents');
  samName = agents.body.items.find((a) => a.id === sam.agentId)?.name ?? '';
  adminName = agents.body.items.find((a) => a.id === t.admin.agentId)?.name ?? '';
  billing = await makeTeam(t, 'Billing', [sam.agentId]);
  await makeLabel(t, 'refund');
  await makeLabel(t, 'vip');
});
afterAll(async () => t.close());

const changesOf = (events: TimelineEventView[]) => events.flatMap((e) => e.changes);

describe('timeline events of GET /tickets/:id', () => {
  it('shows assignments, transfers, status, priority, labels and snooze as events with who did them, and no messages', async () => {
    const { ticketId } = await inboundTicket(t, { text: 'My order never came' });
    const api = as(t, t.admin);
    const opened = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(opened.body.events).toEqual([]);

    const snoozeUntil = new Date(Date.now() + 3_600_000);
    snoozeUntil.setMilliseconds(0);
    await api.patch(`/tickets/${ticketId}`, { assigneeId: sam.agentId });
    await api.patch(`/tickets/${ticketId}`, { teamId: billing, priority: 'high' });
    await api.patch(`/tickets/${ticketId}`, { labels: ['refund', 'vip'] });
    await api.patch(`/tickets/${ticketId}`, { labels: ['vip'] });
    await api.patch(`/tickets/${ticketId}`, { snoozedUntil: snoozeUntil.toISOString() });
    await api.patch(`/tickets/${ticketId}`, { status: 'resolved' });
    await api.patch(`/tickets/${ticketId}`, { customFields: { orderId: 'A-1' } });

    const res = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(res.status).toBe(200);
    // Changes are not messages: the count, the preview and the read state stay as the customer left them.
    expect(res.body.messages.map((m) => m.text)).toEqual(['My order never came']);
    expect(res.body.ticket).toMatchObject({ messageCount: 1, lastMessage: { preview: 'My order never came', kind: 'inbound' } });
    const list = await api.get<{ items: TicketView[] }>('/tickets?view=all&status=all');
    expect(list.body.items.find((i) => i.id === ticketId)?.unread).toBe(false);

    const events = res.body.events;
    // The custom-field change has no line; every other change has one, oldest first, by the admin.
    expect(events).toHaveLength(6);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => a - b));
    for (const e of events) expect(e).toMatchObject({ ticketId, kind: 'updated', actor: { kind: 'agent', id: t.admin.agentId, name: adminName } });
    expect(events.map((e) => e.changes)).toEqual([
      [{ field: 'assignee', from: null, to: { id: sam.agentId, name: samName } }],
      [
        { field: 'team', from: null, to: { id: billing, name: 'Billing' } },
        { field: 'priority', from: 'normal', to: 'high' },
      ],
      [{ field: 'labels', added: ['refund', 'vip'], removed: [] }],
      [{ field: 'labels', added: [], removed: ['refund'] }],
      [
        { field: 'status', from: 'open', to: 'snoozed' },
        { field: 'snoozedUntil', from: null, to: snoozeUntil.toISOString() },
      ],
      [
        { field: 'status', from: 'snoozed', to: 'resolved' },
        { field: 'snoozedUntil', from: snoozeUntil.toISOString(), to: null },
      ],
    ]);
    for (const e of events) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(res.body.messages[0]?.createdAt ?? ''));
  });

  it('leaves the read state of another agent alone when a ticket only changes', async () => {
    const { ticketId } = await inboundTicket(t);
    await as(t, t.admin).patch(`/tickets/${ticketId}`, { teamId: billing });
    const samApi = as(t, sam);
    await samApi.get(`/tickets/${ticketId}`);
    await as(t, t.admin).patch(`/tickets/${ticketId}`, { priority: 'urgent', status: 'pending' });
    const list = await samApi.get<{ items: TicketView[] }>('/tickets?view=all&status=all');
    expect(list.body.items.find((i) => i.id === ticketId)).toMatchObject({ unread: false, messageCount: 1 });
  });

  it('shows a customer reopening a resolved ticket by replying, and a reply that sends and resolves', async () => {
    const first = await inboundTicket(t, { thread: { key: 'reopen-thread' }, text: 'Where is it?' });
    const api = as(t, sam);
    await api.post(`/tickets/${first.ticketId}/messages`, { kind: 'reply', text: 'On its way.', status: 'resolved' });
    const contact = await t.ctx.db.selectFrom('contacts').select('name').where('id', '=', first.contactId).executeTakeFirstOrThrow();
    await intake(t.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'reopen@example.com' }, name: contact.name ?? undefined },
      thread: { ticketId: first.ticketId },
      text: 'It did not arrive.',
      idempotencyKey: `reopen-${Date.now()}`,
    });
    const res = await api.get<Detail>(`/tickets/${first.ticketId}`);
    expect(res.body.messages.map((m) => m.kind)).toEqual(['inbound', 'outbound', 'inbound']);
    expect(res.body.events.map((e) => [e.kind, e.actor.kind, e.changes])).toEqual([
      ['updated', 'agent', [{ field: 'status', from: 'open', to: 'resolved' }]],
      ['reopened', 'contact', [{ field: 'status', from: 'resolved', to: 'open' }]],
    ]);
    const [resolved, reopened] = res.body.events;
    // Both changes follow the message that made them: the reply that resolved, the customer's message that reopened.
    expect(Date.parse(resolved?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(res.body.messages[1]?.createdAt ?? ''));
    expect(Date.parse(resolved?.at ?? '')).toBeLessThanOrEqual(Date.parse(res.body.messages[2]?.createdAt ?? ''));
    expect(Date.parse(reopened?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(res.body.messages[2]?.createdAt ?? ''));
    expect(reopened?.actor).toEqual({ kind: 'contact', id: expect.any(Number), name: contact.name });
  });

  it('shows the snooze ending as a change by the system, and bulk changes on each ticket', async () => {
    const a = await inboundTicket(t);
    const b = await inboundTicket(t);
    const api = as(t, t.admin);
    await api.patch(`/tickets/${a.ticketId}`, { snoozedUntil: new Date(Date.now() + 60_000).toISOString() });
    await wakeSnoozedTickets(t.ctx, Date.now() + 120_000);
    await api.post('/tickets/bulk', { ids: [a.ticketId, b.ticketId], changes: { assigneeId: sam.agentId, addLabels: ['vip'] } });
    const da = await api.get<Detail>(`/tickets/${a.ticketId}`);
    expect(da.body.events.map((e) => e.actor)).toEqual([
      { kind: 'agent', id: t.admin.agentId, name: adminName },
      { kind: 'system', id: null, name: null },
      { kind: 'agent', id: t.admin.agentId, name: adminName },
    ]);
    expect(da.body.events[1]?.changes[0]).toEqual({ field: 'status', from: 'snoozed', to: 'open' });
    const db = await api.get<Detail>(`/tickets/${b.ticketId}`);
    expect(changesOf(db.body.events)).toEqual([
      { field: 'assignee', from: null, to: { id: sam.agentId, name: samName } },
      { field: 'labels', added: ['vip'], removed: [] },
    ]);
  });

  it('names a deleted team as null, and unassigning and removing the team as changes to nobody', async () => {
    const gone = await makeTeam(t, 'Night shift', []);
    const { ticketId } = await inboundTicket(t);
    const api = as(t, t.admin);
    await api.patch(`/tickets/${ticketId}`, { teamId: gone, assigneeId: sam.agentId });
    await api.patch(`/tickets/${ticketId}`, { teamId: null, assigneeId: null });
    expect((await api.del(`/teams/${gone}`)).status).toBe(204);
    const res = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(res.body.events.map((e) => e.changes)).toEqual([
      [
        { field: 'assignee', from: null, to: { id: sam.agentId, name: samName } },
        { field: 'team', from: null, to: { id: gone, name: null } },
      ],
      [
        { field: 'assignee', from: { id: sam.agentId, name: samName }, to: null },
        { field: 'team', from: { id: gone, name: null }, to: null },
      ],
    ]);
  });

  it('covers only the span of the returned messages when older ones are left out', async () => {
    const { ticketId } = await inboundTicket(t, { thread: { key: 'long-thread' }, text: 'message 0' });
    const api = as(t, t.admin);
    await api.patch(`/tickets/${ticketId}`, { priority: 'low' });
    // Events and messages written in one millisecond would leave the span boundary ambiguous.
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 1; i <= 100; i++) {
      await intake(t.ctx, {
        channel: { kind: 'email', name: 'support' },
        sender: { identity: { kind: 'email', value: 'long@example.com' }, name: 'Long' },
        thread: { ticketId },
        text: `message ${i}`,
        idempotencyKey: `long-${ticketId}-${i}`,
      });
    }
    await api.patch(`/tickets/${ticketId}`, { priority: 'urgent' });
    const res = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(res.body.messages).toHaveLength(100);
    expect(res.body.messages[0]?.text).toBe('message 1');
    expect(changesOf(res.body.events)).toEqual([{ field: 'priority', from: 'low', to: 'urgent' }]);

    // Paged from the start, each page brings the changes of its own stretch and together they are all of them.
    const first = await api.get<MessagePage>(`/tickets/${ticketId}/messages?limit=60`);
    expect(first.body.items).toHaveLength(60);
    expect(changesOf(first.body.events)).toEqual([{ field: 'priority', from: 'normal', to: 'low' }]);
    const second = await api.get<MessagePage>(`/tickets/${ticketId}/messages?limit=60&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`);
    expect(second.body.items).toHaveLength(41);
    expect(second.body.nextCursor).toBeNull();
    expect(changesOf(second.body.events)).toEqual([{ field: 'priority', from: 'low', to: 'urgent' }]);
  });
});

describe('GET /tickets/:id/events', () => {
  it('returns only the changes after a known one, for the live timeline', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, t.admin);
    await api.patch(`/tickets/${ticketId}`, { priority: 'high' });
    const all = await api.get<{ items: TimelineEventView[] }>(`/tickets/${ticketId}/events`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(1);
    await api.patch(`/tickets/${ticketId}`, { status: 'pending' });
    const newer = await api.get<{ items: TimelineEventView[] }>(`/tickets/${ticketId}/events?after=${all.body.items[0]?.id ?? 0}`);
    expect(newer.body.items.map((e) => e.changes)).toEqual([[{ field: 'status', from: 'open', to: 'pending' }]]);
  });

  it('answers 404 for a ticket outside the agent’s scope, and 400 for a bad cursor', async () => {
    const other = await t.signIn('agent');
    const { ticketId } = await inboundTicket(t);
    await as(t, t.admin).patch(`/tickets/${ticketId}`, { assigneeId: sam.agentId });
    const res = await as(t, other).get(`/tickets/${ticketId}/events`);
    expect(res.status).toBe(404);
    const bad = await as(t, t.admin).get(`/tickets/${ticketId}/events?after=soon`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details?.field).toBe('after');
  });
});

describe('the events query', () => {
  // SQLite's query plan: PostgreSQL's planner chooses its own.
  it.skipIf(testDriver() === 'postgres')('reads the ticket’s audit lines through the entity index and names by primary key, scanning nothing', () => {
    const { sql, parameters } = timelineEventsQuery(t.ctx.db, 1, { from: 0, afterMessageId: 1 }).compile(t.ctx.db);
    const plan = sqliteOf(t.ctx.database).sqlite
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...(parameters as unknown[]))
      .map((r) => (r as { detail: string }).detail);
    expect(plan[0]).toMatch(/^SEARCH a USING INDEX audit_log_entity \(entity_kind=\? AND entity_id=\?\)/);
    expect(plan.filter((d) => /^SCAN/.test(d))).toEqual([]);
    expect(plan.some((d) => /TEMP B-TREE/.test(d))).toBe(false);
    // actor agent, contact and rule; assignee and team before and after; the message of afterMessageId
    expect(plan.filter((d) => /INTEGER PRIMARY KEY/.test(d))).toHaveLength(8);
  });

  it('is described in the API docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const doc = res.json<{ paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> }>> }>();
    const detail = doc.paths['/api/v1/tickets/{id}']?.get?.responses['200']?.content['application/json']?.schema.properties;
    expect(Object.keys(detail ?? {})).toEqual(expect.arrayContaining(['ticket', 'messages', 'events', 'contact']));
    expect(JSON.stringify(detail?.events)).toContain('snoozedUntil');
    expect(doc.paths['/api/v1/tickets/{id}/events']?.get).toBeDefined();
    const page = doc.paths['/api/v1/tickets/{id}/messages']?.get?.responses['200']?.content['application/json']?.schema.properties;
    expect(Object.keys(page ?? {})).toEqual(expect.arrayContaining(['items', 'nextCursor', 'events']));
  });
});

describe('merges and channels in the timeline', () => {
  it('puts both numbers and the merger’s name in the merge lines, and keeps each message’s own channel', async () => {
    const email = await inboundTicket(t, { text: 'email first' });
    const chat = await intake(t.ctx, {
      channel: { kind: 'widget', name: 'website' },
      sender: { identity: { kind: 'widget', value: `visitor-${Date.now()}` }, name: 'Visitor' },
      thread: { key: `chat-${Date.now()}` },
      text: 'hello from chat',
      idempotencyKey: `merge-chat-${Date.now()}`,
    });
    const api = as(t, t.admin);
    expect((await api.post(`/tickets/${chat.ticketId}/merge`, { intoTicketId: email.ticketId })).status).toBe(200);
    const target = await api.get<Detail>(`/tickets/${email.ticketId}`);
    expect(target.body.ticket.channel).toEqual({ kind: 'email', name: 'support' });
    expect(target.body.messages.map((m) => [m.text.slice(0, 15), m.channel])).toEqual([
      ['email first', { kind: 'email', name: 'support' }],
      ['hello from chat', { kind: 'widget', name: 'website' }],
      [expect.any(String), { kind: 'email', name: 'support' }],
    ]);
    expect(target.body.messages[2]?.meta).toEqual({ event: 'merged', fromTicketId: chat.ticketId, fromNumber: chat.ticketNumber, byName: adminName });
    const source = await api.get<Detail>(`/tickets/${chat.ticketId}`);
    expect(source.body.messages[0]?.meta).toEqual({ event: 'merged', intoTicketId: email.ticketId, intoNumber: email.number, byName: adminName });
    expect(source.body.messages[0]?.channel).toEqual({ kind: 'widget', name: 'website' });
  });
});
