import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import { attachmentPath } from '../../../server/modules/attachments/storage.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let seq = 0;
const events: KefuEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.bus.on('*', (e) => {
    events.push(e);
  });
});
afterAll(async () => t.close());

function inbound(overrides: Partial<InboundMessage> = {}): InboundMessage {
  seq++;
  return {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `customer${seq}@example.com` }, name: `Customer ${seq}` },
    subject: `Order problem ${seq}`,
    text: `Hello, my order ${seq} did not arrive.`,
    idempotencyKey: `<msg-${seq}@example.com>`,
    ...overrides,
  };
}

const ticketStatus = async (id: number) =>
  (await t.ctx.db.selectFrom('tickets').select(['status', 'reopen_count']).where('id', '=', id).executeTakeFirstOrThrow());

describe('intake', () => {
  it('creates a contact, a ticket numbered from 1001 and a message, then emits events', async () => {
    events.length = 0;
    const result = await intake(t.ctx, inbound());
    expect(result).toMatchObject({ created: true, ticketCreated: true, reopened: false });
    expect(result.ticketNumber).toBeGreaterThanOrEqual(1001);
    const types = events.map((e) => e.type);
    expect(types).toEqual(['contact.created', 'ticket.created', 'message.created']);
    const created = events.find((e) => e.type === 'message.created');
    expect(created?.type === 'message.created' && created.ticket.lastMessage?.preview).toContain('did not arrive');
    const row = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', result.ticketId).executeTakeFirstOrThrow();
    const message = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', result.messageId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ message_count: 1, last_message_kind: 'inbound', last_message_at: message.created_at });
    expect(row.last_message_preview).toContain('did not arrive');
    expect(row.last_activity_at).toBeGreaterThanOrEqual(message.created_at);
  });

  it('numbers a new ticket after the highest, also after one written with its own number (as the seeder does)', async () => {
    const contact = await t.ctx.db.insertInto('contacts').values({ name: 'Seeded', created_at: 1, updated_at: 1 }).returning('id').executeTakeFirstOrThrow();
    const highest = (await intake(t.ctx, inbound())).ticketNumber + 500;
    await t.ctx.db
      .insertInto('tickets')
      .values({ number: highest, subject: 'Seeded', status: 'open', priority: 'normal', channel_kind: 'email', channel_name: 'support', contact_id: contact.id, created_at: 1, updated_at: 1, last_activity_at: 1 })
      .execute();
    const next = await intake(t.ctx, inbound());
    const after = await intake(t.ctx, inbound());
    expect([next.ticketNumber, after.ticketNumber]).toEqual([highest + 1, highest + 2]);
  });

  it('returns the first result and changes nothing when the idempotency key repeats', async () => {
    const msg = inbound();
    const first = await intake(t.ctx, msg);
    events.length = 0;
    const second = await intake(t.ctx, { ...msg, text: 'a different body' });
    expect(second).toEqual({ ...first, created: false, ticketCreated: false });
    expect(events).toEqual([]);
    const count = await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('ticket_id', '=', first.ticketId).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('treats the same key on another channel as a different message', async () => {
    const msg = inbound();
    const a = await intake(t.ctx, msg);
    const b = await intake(t.ctx, { ...msg, channel: { kind: 'email', name: 'sales' } });
    expect(b.created).toBe(true);
    expect(b.messageId).not.toBe(a.messageId);
  });

  it('finds the same contact by identity on the next message and threads by ticket id', async () => {
    const first = await intake(t.ctx, inbound());
    const contactIdentity = (await t.ctx.db.selectFrom('contact_identities').selectAll().where('contact_id', '=', first.contactId).executeTakeFirstOrThrow());
    const reply = await intake(t.ctx, inbound({
      sender: { identity: { kind: 'email', value: contactIdentity.value.toUpperCase() } },
      thread: { ticketId: first.ticketId },
    }));
    expect(reply.contactId).toBe(first.contactId);
    expect(reply.ticketId).toBe(first.ticketId);
    expect(reply.ticketCreated).toBe(false);
  });

  it('threads by a channel thread key and links identities known to belong together', async () => {
    const widget = { kind: 'widget' as const, name: 'site' };
    const first = await intake(t.ctx, inbound({
      channel: widget,
      sender: { identity: { kind: 'widget', value: `visitor-${seq}` }, alsoKnownAs: [{ kind: 'email', value: 'known@example.com' }] },
      thread: { key: 'conv-1' },
    }));
    const second = await intake(t.ctx, inbound({ channel: widget, sender: { identity: { kind: 'widget', value: 'other-visitor' } }, thread: { key: 'conv-1' } }));
    expect(second.ticketId).toBe(first.ticketId);
    const byEmail = await intake(t.ctx, inbound({ sender: { identity: { kind: 'email', value: 'Known@Example.com' } } }));
    expect(byEmail.contactId).toBe(first.contactId);
    expect(byEmail.ticketId).not.toBe(first.ticketId);
  });

  it('moves a pending ticket back to open and reopens a resolved one', async () => {
    const first = await intake(t.ctx, inbound());
    const sender = { identity: { kind: 'email' as const, value: `customer${seq}@example.com` } };
    await t.ctx.db.updateTable('tickets').set({ status: 'pending' }).where('id', '=', first.ticketId).execute();
    const a = await intake(t.ctx, inbound({ sender, thread: { ticketId: first.ticketId } }));
    expect(a.reopened).toBe(false);
    expect(await ticketStatus(first.ticketId)).toEqual({ status: 'open', reopen_count: 0 });

    await t.ctx.db.updateTable('tickets').set({ status: 'resolved', resolved_at: Date.now() }).where('id', '=', first.ticketId).execute();
    events.length = 0;
    const b = await intake(t.ctx, inbound({ sender, thread: { ticketId: first.ticketId } }));
    expect(b).toMatchObject({ ticketId: first.ticketId, reopened: true, ticketCreated: false });
    expect(await ticketStatus(first.ticketId)).toEqual({ status: 'open', reopen_count: 1 });
    expect(events.map((e) => e.type)).toEqual(['ticket.updated', 'message.created']);
  });

  it('opens a new ticket linked to a closed one instead of reopening it', async () => {
    const first = await intake(t.ctx, inbound({ thread: { key: 'closed-thread' }, channel: { kind: 'widget', name: 'site' } }));
    await t.ctx.db.updateTable('tickets').set({ status: 'closed' }).where('id', '=', first.ticketId).execute();
    const next = await intake(t.ctx, inbound({ thread: { key: 'closed-thread' }, channel: { kind: 'widget', name: 'site' } }));
    expect(next.ticketCreated).toBe(true);
    expect(next.ticketId).not.toBe(first.ticketId);
    expect((await ticketStatus(first.ticketId)).status).toBe('closed');
    const link = await t.ctx.db.selectFrom('ticket_links').selectAll().where('ticket_id', '=', next.ticketId).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ linked_ticket_id: first.ticketId, kind: 'follow_up' });
    const again = await intake(t.ctx, inbound({ thread: { key: 'closed-thread' }, channel: { kind: 'widget', name: 'site' } }));
    expect(again.ticketId).toBe(next.ticketId);
  });

  it('stores attachments content-addressed and rewrites inline cid links', async () => {
    const content = Buffer.from('PNG-bytes-for-test');
    const result = await intake(t.ctx, inbound({
      html: '<p>see <img src="cid:img1@x"></p>',
      attachments: [
        { filename: '../../etc/photo.png', contentType: 'image/png', content, contentId: '<img1@x>', inline: true },
        { filename: 'copy.png', contentType: 'image/png', content },
      ],
    }));
    const rows = await t.ctx.db.selectFrom('message_attachments').innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id').selectAll('attachments').where('message_id', '=', result.messageId).orderBy('attachments.id').execute();
    expect(rows.map((r) => r.name)).toEqual(['photo.png', 'copy.png']);
    expect(rows[0]?.sha256).toBe(rows[1]?.sha256);
    expect(existsSync(attachmentPath(t.ctx.paths.attachments, rows[0]?.sha256 ?? ''))).toBe(true);
    const msg = await t.ctx.db.selectFrom('messages').select('html').where('id', '=', result.messageId).executeTakeFirstOrThrow();
    expect(msg.html).toContain(`/api/v1/attachments/${rows[0]?.id}/photo.png`);
  });

  it('rolls back everything when the message cannot be stored', async () => {
    const before = await t.ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await expect(intake(t.ctx, inbound({ text: undefined as unknown as string }))).rejects.toThrow();
    const after = await t.ctx.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it("commits the channel's own rows with the message, and neither when those fail", async () => {
    const msg = inbound();
    const seen: boolean[] = [];
    const stored = await intake(t.ctx, msg, async (tx, result) => {
      seen.push(result.created);
      await tx.updateTable('messages').set({ author_name: 'Written alongside' }).where('id', '=', result.messageId).execute();
    });
    const row = await t.ctx.db.selectFrom('messages').select('author_name').where('id', '=', stored.messageId).executeTakeFirstOrThrow();
    expect(row.author_name).toBe('Written alongside');
    await intake(t.ctx, msg, async (_tx, result) => {
      seen.push(result.created);
    });
    expect(seen).toEqual([true, false]);

    events.length = 0;
    const failing = inbound();
    await expect(
      intake(t.ctx, failing, async () => {
        throw new Error('channel row refused');
      }),
    ).rejects.toThrow('channel row refused');
    const kept = await t.ctx.db.selectFrom('messages').select('id').where('idempotency_key', '=', failing.idempotencyKey).execute();
    expect(kept).toEqual([]);
    expect(events).toEqual([]);
  });
});
