import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { replyAddress } from '../../../../server/channels/email/reply-address.js';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { now } from '../../../../server/db/database.js';
import { insertAttachment } from '../../../../server/modules/attachments/queries.js';
import { storeBuffer } from '../../../../server/modules/attachments/storage.js';
import type { TestApp } from '../../../helpers/app.js';
import { startMailDesk, type MailDesk } from '../../../helpers/mail-desk.js';
import type { SmtpSink } from '../../../helpers/smtp-sink.js';
import { buildMail } from './mail-builder.js';

let desk: MailDesk;
let sink: SmtpSink;
let t: TestApp;
let channel: EmailChannelConfig;

beforeAll(async () => {
  desk = await startMailDesk([
    {
      name: 'support',
      address: 'support@example.com',
      display_name: 'Acme Support',
      signature: 'Acme Support Team\nhttps://acme.example',
      plus_addressing: true,
      auto_acknowledge: { subject: 'Received: {{ticket.subject}}', body: 'Hi {{contact.name}}, we got it.' },
    },
  ]);
  ({ t, sink } = desk);
  channel = t.config.channels.email[0] as EmailChannelConfig;
});
afterAll(async () => {
  await desk?.close();
});

async function reply(ticketId: number, body: Record<string, unknown>): Promise<number> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', ...body } });
  expect(res.statusCode).toBe(201);
  return res.json<{ message: { id: number } }>().message.id;
}

async function nextMail(): Promise<ParsedMail & { envelopeTo: string[] }> {
  const before = sink.messages.length;
  await t.ctx.outbox.runOnce();
  const all = await sink.waitFor(before + 1);
  const captured = all[before];
  if (!captured) throw new Error('no mail');
  return Object.assign(await simpleParser(captured.raw), { envelopeTo: captured.to });
}

const deliveryOf = (id: number) => t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();

describe('SMTP sender through the outbox', () => {
  it('acknowledges a new ticket once, marked Auto-Submitted, and threads it', async () => {
    const res = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Dana <dana@example.org>', messageId: 'ack-src@example.org', subject: 'Broken zipper' }));
    const ack = await nextMail();
    expect(ack.subject).toBe(`Received: Broken zipper [#${res.ticketNumber}]`);
    expect(ack.text).toContain('Hi Dana, we got it.');
    expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack.inReplyTo).toBe('<ack-src@example.org>');
    expect(ack.envelopeTo).toEqual(['dana@example.org']);
  });

  it('attaches the bounce of an acknowledgement to its ticket, and refuses a forged one', async () => {
    const res = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Ivan <ivan@gone.example>', messageId: 'ack-bounce-src@example.org' }));
    const ack = await nextMail();
    const dsn = readFileSync(path.resolve(import.meta.dirname, '../../../fixtures/email/dsn-bounce.eml'), 'latin1');
    const bounceOf = (id: string, own: string) => Buffer.from(dsn.replace('<kefu.m99.lt9zz.0123456789ab@example.com>', id).replace('20240309100005.4Tq2X81234@mx.example.com', own), 'latin1');
    const placed = await ingestRawEmail(t.ctx, channel, bounceOf(ack.messageId ?? '', 'dsn-ack-1@mx.example.com'));
    expect(placed.ticketId).toBe(res.ticketId);
    const note = await t.ctx.db.selectFrom('messages').select(['kind', 'text']).where('id', '=', placed.messageId as number).executeTakeFirstOrThrow();
    expect(note.kind).toBe('system');
    expect(note.text).toMatch(/Delivery to nobody@customer\.example failed/);

    const forged = (ack.messageId ?? '').replace(/\.[0-9a-f]{16}@/, '.0000000000000000@');
    const stray = await ingestRawEmail(t.ctx, channel, bounceOf(forged, 'dsn-ack-2@mx.example.com'));
    expect(stray.ticketId).not.toBe(res.ticketId);
  });

  it('sends an agent reply with our Message-ID, In-Reply-To, References, token, signature, CC and BCC', async () => {
    const first = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Erik <erik@example.org>', messageId: 'cust-1@example.org', subject: 'Where is my order?' }));
    const second = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Erik <erik@example.org>', messageId: 'cust-2@example.org', subject: 'Re: Where is my order?', inReplyTo: 'cust-1@example.org', references: '<cust-1@example.org>' }));
    expect(second.ticketId).toBe(first.ticketId);
    await nextMail(); // the acknowledgement of the new ticket
    const ticketId = first.ticketId as number;
    const messageId = await reply(ticketId, { text: 'It ships tomorrow.\nSorry for the wait.', cc: ['boss@example.org'], bcc: ['audit@example.org'] });
    const mail = await nextMail();

    expect(mail.messageId).toMatch(new RegExp(`^<kefu\\.m${messageId}\\.[0-9a-f]{16}@example\\.com>$`));
    expect(mail.inReplyTo).toBe('<cust-2@example.org>');
    expect([mail.references].flat()).toEqual(expect.arrayContaining(['<cust-1@example.org>', '<cust-2@example.org>']));
    expect([mail.references].flat().at(-1)).toBe('<cust-2@example.org>');
    expect(mail.subject).toBe(`Re: Where is my order? [#${first.ticketNumber}]`);
    expect(mail.from?.value[0]).toMatchObject({ address: 'support@example.com', name: 'Acme Support' });
    expect(mail.replyTo?.value[0]?.address).toBe(replyAddress(t.ctx.secret, 'support', 'support@example.com', first.ticketNumber as number));
    expect(mail.text).toContain('It ships tomorrow.');
    expect(mail.text).toContain('-- \nAcme Support Team');
    expect(mail.html).toContain('It ships tomorrow.<br>');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(JSON.stringify(mail.cc)).toContain('boss@example.org');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.envelopeTo.sort()).toEqual(['audit@example.org', 'boss@example.org', 'erik@example.org']);
    expect(await deliveryOf(messageId)).toMatchObject({ delivery_status: 'sent' });

    // The customer answers our mail: it joins the same ticket by In-Reply-To.
    const answer = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Erik <erik@example.org>', messageId: 'cust-3@example.org', subject: 'Thanks!', inReplyTo: mail.messageId?.slice(1, -1) ?? '' }));
    expect(answer.ticketId).toBe(ticketId);
  });

  it('attaches the files of a reply', async () => {
    const first = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Finn <finn@example.org>', messageId: 'att-1@example.org' }));
    await nextMail();
    const stored = storeBuffer(t.ctx.paths.attachments, Buffer.from('invoice body'));
    const att = await insertAttachment(t.ctx.db, { sha256: stored.sha256, name: '发票 2024.pdf', content_type: 'application/pdf', size: stored.size, content_id: null, uploaded_by: t.admin.agentId, created_at: now() });
    await reply(first.ticketId as number, { text: 'Invoice attached.', attachmentIds: [att.id] });
    const mail = await nextMail();
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([['发票 2024.pdf', 'application/pdf', 'invoice body']]);
  });

  it('fails a reply at once on a permanent SMTP rejection and retries a temporary one', async () => {
    const first = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Gus <gus@example.org>', messageId: 'rej-1@example.org' }));
    await nextMail();
    sink.rejectWith({ code: 550, message: '5.1.1 No such user here' });
    try {
      const hard = await reply(first.ticketId as number, { text: 'Hello?' });
      await t.ctx.outbox.runOnce();
      const d = await deliveryOf(hard);
      expect(d.delivery_status).toBe('failed');
      expect(d.delivery_error).toMatch(/SMTP 550/);

      sink.rejectWith({ code: 451, message: '4.7.1 Try again later' });
      const soft = await reply(first.ticketId as number, { text: 'Hello again' });
      await t.ctx.outbox.runOnce();
      const s = await deliveryOf(soft);
      expect(s.delivery_status).toBe('queued');
      expect(s.delivery_error).toMatch(/451/);
      const row = await t.ctx.db.selectFrom('outbox').selectAll().where('message_id', '=', soft).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.next_attempt_at).toBeGreaterThan(Date.now());
    } finally {
      sink.rejectWith(null);
    }
  });

  it('opens a conversation for a ticket an agent created: no Re:, no In-Reply-To, token kept', async () => {
    const contact = await t.app.inject({ method: 'POST', url: '/api/v1/contacts', headers: t.admin.headers, payload: { name: 'Hana', email: 'hana@example.org' } });
    expect(contact.statusCode).toBe(201);
    const contactId = contact.json<{ contact: { id: number } }>().contact.id;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: t.admin.headers,
      payload: { contactId, subject: 'Your invoice', text: 'Please find the details below.', channel: { kind: 'email', name: 'support' } },
    });
    expect(created.statusCode).toBe(201);
    const number = created.json<{ ticket: { number: number } }>().ticket.number;
    const mail = await nextMail();
    expect(mail.subject).toBe(`Your invoice [#${number}]`);
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.envelopeTo).toEqual(['hana@example.org']);
    expect(mail.text).toContain('Please find the details below.');
  });

  it('never acknowledges an auto-reply, even to a new ticket', async () => {
    const before = sink.messages.length;
    await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Bot <bot@example.org>', messageId: 'ooo-x@example.org', subject: 'Out of Office: away', headers: { 'Auto-Submitted': 'auto-replied' } }));
    await t.ctx.outbox.runOnce();
    expect(sink.messages.length).toBe(before);
  });
});
