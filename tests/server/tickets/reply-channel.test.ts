import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketCounts } from '../../../server/modules/tickets/counts.js';
import type { MessageView, TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

type Detail = { ticket: TicketView; messages: MessageView[]; replyChannel: { kind: string; name: string; available: boolean } };

async function newContact(t: TestApp, email: string): Promise<number> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: t.admin.headers, payload: { name: 'Hana', email } });
  return res.json<{ contact: { id: number } }>().contact.id;
}

const outboxRows = (t: TestApp) => t.ctx.db.selectFrom('outbox').selectAll().execute();

describe('a desk with no channel configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('refuses a ticket on a channel that does not exist, naming it', async () => {
    const contactId = await newContact(t, 'a@example.org');
    const res = await as(t, t.admin).post('/tickets', { contactId, subject: 'Hi', text: 'Hello', channel: { kind: 'email', name: 'email' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'unknown_channel', details: { field: 'channel' } });
    expect(res.body.error.message).toContain('"email"');
    expect(await outboxRows(t)).toEqual([]);
  });

  it('opens a note-only ticket that says it cannot be answered, and queues nothing', async () => {
    const contactId = await newContact(t, 'b@example.org');
    const res = await as(t, t.admin).post<{ ticket: TicketView }>('/tickets', { contactId, subject: 'Phone call', text: 'Called about the invoice' });
    expect(res.status).toBe(201);
    expect(res.body.ticket.channel).toEqual({ kind: 'internal', name: 'internal' });
    const detail = await as(t, t.admin).get<Detail>(`/tickets/${res.body.ticket.id}`);
    expect(detail.body.replyChannel).toEqual({ kind: 'internal', name: 'internal', available: false });
    expect(detail.body.messages.map((m) => [m.kind, m.text, m.delivery])).toEqual([['note', 'Called about the invoice', null]]);
    expect(await outboxRows(t)).toEqual([]);
  });

  it('says a ticket that came in on a channel no longer configured cannot be answered, and leaves that channel out of the sidebar counts', async () => {
    const { ticketId } = await inboundTicket(t, { channel: { kind: 'email', name: 'email' } });
    const detail = await as(t, t.admin).get<Detail>(`/tickets/${ticketId}`);
    expect(detail.body.replyChannel).toEqual({ kind: 'email', name: 'email', available: false });
    const counts = await as(t, t.admin).get<TicketCounts>('/tickets/counts');
    expect(counts.body.all).toBeGreaterThan(0);
    expect(counts.body.byChannel).toEqual({});
  });
});

describe('a desk with channels', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      channels: {
        email: [
          { name: 'receive-only', address: 'in@example.org' },
          { name: 'support', address: 'support@example.org', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } },
        ],
        widget: [{ name: 'site', allowed_origins: ['https://shop.example.org'] }],
      },
    });
  });
  afterAll(async () => t.close());

  it('opens a new contact’s ticket on the first channel that can send, with its reply queued', async () => {
    const contactId = await newContact(t, 'c@example.org');
    const res = await as(t, t.admin).post<{ ticket: TicketView }>('/tickets', { contactId, subject: 'Your order', text: 'It shipped' });
    expect(res.status).toBe(201);
    expect(res.body.ticket.channel).toEqual({ kind: 'email', name: 'support' });
    const detail = await as(t, t.admin).get<Detail>(`/tickets/${res.body.ticket.id}`);
    expect(detail.body.replyChannel).toEqual({ kind: 'email', name: 'support', available: true });
    expect(detail.body.messages[0]).toMatchObject({ kind: 'outbound', delivery: { status: 'queued' } });
  });

  it('refuses a channel that cannot send, naming it', async () => {
    const contactId = await newContact(t, 'd@example.org');
    const res = await as(t, t.admin).post('/tickets', { contactId, subject: 'x', text: 'y', channel: { kind: 'email', name: 'receive-only' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'channel_cannot_send', details: { field: 'channel' } });
    expect(res.body.error.message).toContain('"receive-only"');
  });

  it('counts only configured channels in the sidebar', async () => {
    await inboundTicket(t, { channel: { kind: 'email', name: 'support' } });
    await inboundTicket(t, { channel: { kind: 'email', name: 'removed-mailbox' } });
    const counts = await as(t, t.admin).get<TicketCounts>('/tickets/counts');
    expect(Object.keys(counts.body.byChannel)).toEqual(['support']);
  });
});
