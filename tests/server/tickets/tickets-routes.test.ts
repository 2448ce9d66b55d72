import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView, TicketView } from '../../../server/modules/tickets/schemas.js';
import type { ContactView } from '../../../server/modules/contacts/schemas.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket, makeLabel } from './fixtures.js';

type Page = { items: TicketView[]; nextCursor: string | null };
type Detail = { ticket: TicketView; messages: MessageView[]; contact: ContactView };

let t: TestApp;
let supervisor: Session;
const events: KefuEvent[] = [];

beforeAll(async () => {
  // A mailbox that can send, so agent-started tickets get a queued reply (nothing sends in these tests).
  t = await createTestApp({
    channels: { email: [{ name: 'support', address: 'support@example.org', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } }] },
  });
  supervisor = await t.signIn('supervisor');
  t.ctx.bus.on('*', (e) => {
    events.push(e);
  });
  await makeLabel(t, 'refund');
  await makeLabel(t, 'vip');
});
afterAll(async () => t.close());

describe('GET /tickets/:id', () => {
  it('returns the ticket with its timeline and contact, and marks it read for the caller', async () => {
    const { ticketId, contactId } = await inboundTicket(t, { text: 'Where is my parcel?' });
    const api = as(t, supervisor);
    const before = await api.get<Page>('/tickets?view=all');
    expect(before.body.items.find((i) => i.id === ticketId)?.unread).toBe(true);
    const res = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ id: ticketId, status: 'open', priority: 'normal', channel: { kind: 'email', name: 'support' }, messageCount: 1 });
    expect(res.body.messages.map((m) => [m.kind, m.author.kind, m.text])).toEqual([['inbound', 'contact', 'Where is my parcel?']]);
    expect(res.body.contact.id).toBe(contactId);
    const after = await api.get<Page>('/tickets?view=all');
    expect(after.body.items.find((i) => i.id === ticketId)?.unread).toBe(false);
  });

  it('answers 404 for an unknown ticket', async () => {
    expect((await as(t, t.admin).get('/tickets/999999')).status).toBe(404);
  });
});

describe('POST /tickets', () => {
  it('opens a ticket for a contact with a queued reply and its outbox row', async () => {
    const { contactId } = await inboundTicket(t);
    const res = await as(t, t.admin).post<{ ticket: TicketView }>('/tickets', { contactId, subject: 'We noticed a problem', text: 'Hello, about your order…' });
    expect(res.status).toBe(201);
    expect(res.body.ticket).toMatchObject({ subject: 'We noticed a problem', assignee: { id: t.admin.agentId }, contact: { id: contactId }, messageCount: 1 });
    const detail = await as(t, t.admin).get<Detail>(`/tickets/${res.body.ticket.id}`);
    expect(detail.body.messages[0]).toMatchObject({ kind: 'outbound', delivery: { status: 'queued' } });
    const outbox = await t.ctx.db.selectFrom('outbox').selectAll().where('message_id', '=', detail.body.messages[0]?.id ?? 0).execute();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]).toMatchObject({ kind: 'email', status: 'pending' });
  });

  it('refuses an unknown contact with 400 naming contactId', async () => {
    const res = await as(t, t.admin).post('/tickets', { contactId: 987654, subject: 'x', text: 'y' });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe('contactId');
  });
});

describe('POST /tickets/:id/messages', () => {
  it('writes a reply with its outbox row in one go, sets first response and can resolve', async () => {
    const { ticketId } = await inboundTicket(t);
    events.length = 0;
    const res = await as(t, supervisor).post<{ message: MessageView; ticket: TicketView }>(`/tickets/${ticketId}/messages`, {
      kind: 'reply',
      text: 'Your parcel ships today.',
      html: '<p>Your parcel <b>ships</b> today.<script>alert(1)</script></p>',
      cc: ['boss@example.com'],
      status: 'resolved',
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ kind: 'outbound', author: { kind: 'agent', id: supervisor.agentId }, delivery: { status: 'queued' }, meta: { cc: ['boss@example.com'] } });
    expect(res.body.message.html).toBe('<p>Your parcel <b>ships</b> today.</p>');
    expect(res.body.ticket.status).toBe('resolved');
    expect(res.body.ticket.firstResponseAt).not.toBeNull();
    const rows = await t.ctx.db.selectFrom('outbox').select(['kind', 'channel_name']).where('message_id', '=', res.body.message.id).execute();
    expect(rows).toEqual([{ kind: 'email', channel_name: 'support' }]);
    expect(events.map((e) => e.type)).toEqual(['message.created', 'ticket.updated']);
  });

  it('writes an internal note with @mentions and no delivery', async () => {
    const { ticketId } = await inboundTicket(t);
    const mentioned = await t.signIn('agent', 'ann.lee@example.test');
    const res = await as(t, supervisor).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, {
      kind: 'note',
      text: '@ann.lee can you check the warehouse? (not ann.lee@example.test)',
    });
    expect(res.status).toBe(201);
    expect(res.body.message).toMatchObject({ kind: 'note', delivery: null, mentions: [mentioned.agentId] });
    const outbox = await t.ctx.db.selectFrom('outbox').selectAll().where('message_id', '=', res.body.message.id).execute();
    expect(outbox).toEqual([]);
  });

  it('refuses an empty reply and an attachment that is not the caller’s', async () => {
    const { ticketId } = await inboundTicket(t);
    const empty = await as(t, supervisor).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: '   ' });
    expect(empty.status).toBe(400);
    const foreign = await as(t, supervisor).post(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'hi', attachmentIds: [424242] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details?.field).toBe('attachmentIds');
  });
});

describe('PATCH /tickets/:id', () => {
  it('assigns, transfers to a team, sets priority, labels and custom fields, and audits each change', async () => {
    const { ticketId } = await inboundTicket(t);
    const team = await as(t, t.admin).post<{ team: { id: number } }>('/teams', { name: 'Billing', memberIds: [] });
    const res = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, {
      assigneeId: supervisor.agentId,
      teamId: team.body.team.id,
      priority: 'urgent',
      labels: ['Refund', 'vip'],
      customFields: { orderId: 'A-1', tier: 'gold' },
    });
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({
      assignee: { id: supervisor.agentId },
      team: { id: team.body.team.id, name: 'Billing' },
      priority: 'urgent',
      labels: ['refund', 'vip'],
      customFields: { orderId: 'A-1', tier: 'gold' },
    });
    const second = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, { customFields: { tier: null } });
    expect(second.body.ticket.customFields).toEqual({ orderId: 'A-1' });
    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_kind', '=', 'ticket').where('entity_id', '=', ticketId).where('action', '=', 'ticket.updated').orderBy('id').execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actor_kind: 'agent', actor_id: supervisor.agentId });
    expect(JSON.parse(audit[0]?.before ?? '{}')).toMatchObject({ priority: 'normal', assigneeId: null, labels: [] });
    expect(JSON.parse(audit[0]?.after ?? '{}')).toMatchObject({ priority: 'urgent', assigneeId: supervisor.agentId, labels: ['refund', 'vip'] });
    expect(JSON.parse(audit[1]?.after ?? '{}')).toEqual({ customFields: { orderId: 'A-1' } });
  });

  it('snoozes until a time and wakes when the time is cleared', async () => {
    const { ticketId } = await inboundTicket(t);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, { snoozedUntil: until });
    expect(snoozed.body.ticket).toMatchObject({ status: 'snoozed', snoozedUntil: until });
    const woken = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, { snoozedUntil: null });
    expect(woken.body.ticket).toMatchObject({ status: 'open', snoozedUntil: null });
    const past = await as(t, supervisor).patch(`/tickets/${ticketId}`, { snoozedUntil: '2001-01-01T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.error.details?.field).toBe('snoozedUntil');
    const noTime = await as(t, supervisor).patch(`/tickets/${ticketId}`, { status: 'snoozed' });
    expect(noTime.status).toBe(400);
  });

  it('counts a reopen and clears resolvedAt when a resolved ticket is reopened', async () => {
    const { ticketId } = await inboundTicket(t);
    const resolved = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, { status: 'resolved' });
    expect(resolved.body.ticket.resolvedAt).not.toBeNull();
    const reopened = await as(t, supervisor).patch<{ ticket: TicketView }>(`/tickets/${ticketId}`, { status: 'open' });
    expect(reopened.body.ticket).toMatchObject({ status: 'open', resolvedAt: null, reopenCount: 1 });
  });

  it.each([
    [{ assigneeId: 99999 }, 'assigneeId'],
    [{ teamId: 99999 }, 'teamId'],
    [{ labels: ['no-such-label'] }, 'labels'],
    [{ status: 'done' }, 'status'],
    [{ bogus: 1 }, 'bogus'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const { ticketId } = await inboundTicket(t);
    const res = await as(t, supervisor).patch(`/tickets/${ticketId}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe(field);
  });

  it('never loses a field when different fields of one ticket are patched at the same time', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, supervisor);
    const patches = [
      { priority: 'high' },
      { assigneeId: supervisor.agentId },
      { labels: ['vip'] },
      { customFields: { a: 1 } },
      { customFields: { b: 2 } },
      { subject: 'Renamed' },
      { customFields: { c: 3 } },
    ];
    const results = await Promise.all(patches.map((p) => api.patch(`/tickets/${ticketId}`, p)));
    expect(results.map((r) => r.status)).toEqual(patches.map(() => 200));
    const final = await api.get<Detail>(`/tickets/${ticketId}`);
    expect(final.body.ticket).toMatchObject({
      priority: 'high',
      assignee: { id: supervisor.agentId },
      labels: ['vip'],
      customFields: { a: 1, b: 2, c: 3 },
      subject: 'Renamed',
    });
  });
});

describe('POST /tickets/:id/merge', () => {
  it('moves messages and labels into the target, closes the source and forwards intake to the target', async () => {
    const a = await inboundTicket(t, { text: 'first ticket' });
    const b = await inboundTicket(t, { text: 'second ticket' });
    await as(t, supervisor).patch(`/tickets/${a.ticketId}`, { labels: ['refund'] });
    const res = await as(t, supervisor).post<{ ticket: TicketView }>(`/tickets/${a.ticketId}/merge`, { intoTicketId: b.ticketId });
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ id: b.ticketId, labels: ['refund'], messageCount: 3 });
    const source = await as(t, supervisor).get<Detail>(`/tickets/${a.ticketId}`);
    expect(source.body.ticket).toMatchObject({ status: 'closed', mergedIntoId: b.ticketId });
    expect(source.body.messages.map((m) => m.kind)).toEqual(['system']);
    const target = await as(t, supervisor).get<Detail>(`/tickets/${b.ticketId}`);
    expect(target.body.messages.map((m) => m.text)).toEqual(['first ticket', 'second ticket', expect.stringContaining(`#${a.number}`)]);
    const followUp = await inboundTicket(t, { thread: { ticketId: a.ticketId }, text: 'reply to old' });
    expect(followUp.ticketId).toBe(b.ticketId);
  });

  it('refuses to merge a ticket into itself with 400', async () => {
    const a = await inboundTicket(t);
    const res = await as(t, supervisor).post(`/tickets/${a.ticketId}/merge`, { intoTicketId: a.ticketId });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe('intoTicketId');
  });

  it('answers 404 when the target does not exist', async () => {
    const a = await inboundTicket(t);
    expect((await as(t, supervisor).post(`/tickets/${a.ticketId}/merge`, { intoTicketId: 888888 })).status).toBe(404);
  });
});

describe('POST /tickets/bulk', () => {
  it('applies one change set to every selected ticket in one transaction', async () => {
    const ids = await Promise.all([inboundTicket(t), inboundTicket(t), inboundTicket(t)]).then((r) => r.map((x) => x.ticketId));
    const res = await as(t, supervisor).post<{ updated: number }>('/tickets/bulk', { ids, changes: { status: 'pending', priority: 'high', addLabels: ['vip'] } });
    expect(res.body).toEqual({ updated: 3 });
    const rows = await t.ctx.db.selectFrom('tickets').select(['status', 'priority']).where('id', 'in', ids).execute();
    expect(rows.every((r) => r.status === 'pending' && r.priority === 'high')).toBe(true);
    const removed = await as(t, supervisor).post<{ updated: number }>('/tickets/bulk', { ids, changes: { removeLabels: ['vip'] } });
    expect(removed.body.updated).toBe(3);
  });

  it('changes nothing when one ticket of the selection fails validation', async () => {
    const ids = await Promise.all([inboundTicket(t), inboundTicket(t)]).then((r) => r.map((x) => x.ticketId));
    const res = await as(t, supervisor).post('/tickets/bulk', { ids, changes: { priority: 'low', addLabels: ['nope'] } });
    expect(res.status).toBe(400);
    const rows = await t.ctx.db.selectFrom('tickets').select('priority').where('id', 'in', ids).execute();
    expect(rows.map((r) => r.priority)).toEqual(['normal', 'normal']);
  });
});

describe('GET /tickets/:id/messages', () => {
  it('pages through the timeline oldest first', async () => {
    const first = await inboundTicket(t, { text: 'm0' });
    for (let i = 1; i < 5; i++) await inboundTicket(t, { thread: { ticketId: first.ticketId }, text: `m${i}` });
    const api = as(t, supervisor);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: MessageView[]; nextCursor: string | null } } = await api.get(
        `/tickets/${first.ticketId}/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((m) => m.text));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});
