import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { presentOneContact } from '../../../server/modules/contacts/presenter.js';
import { findContact } from '../../../server/modules/contacts/queries.js';
import { presentOneTicket } from '../../../server/modules/tickets/presenter.js';
import { findTicket } from '../../../server/modules/tickets/queries.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
const events: KefuEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.bus.on('*', (e) => {
    events.push(e);
  });
});
afterAll(async () => t.close());

/** What the presenters make of the stored rows after the commit: events must say the same. */
async function storedViews(ticketId: number, contactId: number) {
  const ticket = await findTicket(t.ctx.db, ticketId);
  const contact = await findContact(t.ctx.db, contactId);
  if (!ticket || !contact) throw new Error('intake stored nothing');
  return { ticket: await presentOneTicket(t.ctx.db, ticket, null), contact: await presentOneContact(t.ctx.db, contact) };
}

/** A website chat message from `visitor` in conversation `thread`; `sender` adds to what they say of themselves. */
function chat(visitor: string, thread: string, text: string, key: string, sender: Omit<InboundMessage['sender'], 'identity'> = {}) {
  return intake(t.ctx, {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: visitor }, ...sender },
    thread: { key: thread },
    text,
    idempotencyKey: key,
  });
}

describe('intake event payloads', () => {
  it('carries the new contact (all identities) and new ticket exactly as stored', async () => {
    events.length = 0;
    const r = await chat('visitor-payload-1', 'payload-thread-1', '我的订单还没有发货', 'payload-1', {
      alsoKnownAs: [{ kind: 'email', value: 'Payload@Example.com' }],
      phone: '+86 138 0000 0000',
      name: '王小明',
    });
    const stored = await storedViews(r.ticketId, r.contactId);
    const contactEvent = events.find((e) => e.type === 'contact.created');
    expect(contactEvent?.type === 'contact.created' && contactEvent.contact).toEqual(stored.contact);
    expect(stored.contact.identities).toHaveLength(3);
    expect(stored.contact.ticketCount).toBe(1);
    const ticketEvent = events.find((e) => e.type === 'ticket.created');
    expect(ticketEvent?.type === 'ticket.created' && ticketEvent.ticket).toEqual(stored.ticket);
  });

  it('carries a continued ticket with its labels and assignee as stored', async () => {
    const first = await chat('visitor-payload-2', 'payload-thread-2', 'first', 'payload-2a', { name: 'Ann' });
    const label = await t.ctx.db.insertInto('labels').values({ name: 'payload-vip', color: '#aa0000', created_at: Date.now() }).returning('id').executeTakeFirstOrThrow();
    await t.ctx.db.insertInto('ticket_labels').values({ ticket_id: first.ticketId, label_id: label.id }).execute();

    events.length = 0;
    await chat('visitor-payload-2', 'payload-thread-2', 'second', 'payload-2b');
    const stored = await storedViews(first.ticketId, first.contactId);
    const created = events.find((e) => e.type === 'message.created');
    expect(created?.type === 'message.created' && created.ticket).toEqual(stored.ticket);
    expect(stored.ticket.labels).toEqual(['payload-vip']);

    await t.ctx.db.updateTable('tickets').set({ assignee_id: t.admin.agentId }).where('id', '=', first.ticketId).execute();
    events.length = 0;
    await chat('visitor-payload-2', 'payload-thread-2', 'third', 'payload-2c');
    const assigned = await storedViews(first.ticketId, first.contactId);
    const third = events.find((e) => e.type === 'message.created');
    expect(third?.type === 'message.created' && third.ticket).toEqual(assigned.ticket);
    expect(assigned.ticket.assignee?.id).toBe(t.admin.agentId);
  });

  it('carries a team ticket written to by someone other than its contact as stored', async () => {
    const first = await chat('visitor-payload-3', 'payload-thread-3', 'first', 'payload-3a', { name: 'Bea', email: 'bea@example.com' });
    const team = await t.ctx.db.insertInto('teams').values({ name: 'Payload team', created_at: 1, updated_at: 1 }).returning('id').executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('tickets').set({ team_id: team.id }).where('id', '=', first.ticketId).execute();

    events.length = 0;
    const other = await chat('visitor-payload-3-colleague', 'payload-thread-3', 'writing for Bea', 'payload-3b', { name: 'Colleague' });
    expect(other.ticketId).toBe(first.ticketId);
    expect(other.contactId).not.toBe(first.contactId);
    const stored = await storedViews(first.ticketId, first.contactId);
    const created = events.find((e) => e.type === 'message.created');
    expect(created?.type === 'message.created' && created.ticket).toEqual(stored.ticket);
    expect(stored.ticket.team).toEqual({ id: team.id, name: 'Payload team' });
    expect(stored.ticket.contact).toEqual({ id: first.contactId, name: 'Bea', email: 'bea@example.com', phone: null });
  });
});
