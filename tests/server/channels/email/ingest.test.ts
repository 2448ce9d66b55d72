import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestParsedEmail, ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { parseEmail } from '../../../../server/channels/email/parse.js';
import { recordMessageId } from '../../../../server/channels/email/queries.js';
import { replyAddress } from '../../../../server/channels/email/reply-address.js';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { now } from '../../../../server/db/database.js';
import { appendMessage } from '../../../../server/modules/tickets/messages.js';
import { findTicket } from '../../../../server/modules/tickets/queries.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { buildMail } from './mail-builder.js';
import { storedAttachments } from './stored-attachments.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/email');

let t: TestApp;
let channel: EmailChannelConfig;

beforeAll(async () => {
  t = await createTestApp({
    channels: {
      email: [
        {
          name: 'support',
          address: 'support@example.com',
          plus_addressing: true,
          auto_acknowledge: { subject: 'We got your mail [#{{ticket.number}}]', body: 'Hello {{contact.name}}, ticket {{ticket.number}}.', max_per_sender_per_day: 2 },
        },
      ],
    },
  });
  const found = t.config.channels.email[0];
  if (!found) throw new Error('no channel');
  channel = found;
});
afterAll(async () => t.close());

const ingest = (raw: Buffer) => ingestRawEmail(t.ctx, channel, raw);

async function addOutbound(ticketId: number, emailMessageId: string): Promise<number> {
  const ticket = await findTicket(t.ctx.db, ticketId);
  if (!ticket) throw new Error('ticket missing');
  const { message } = await appendMessage(t.ctx.db, ticket, {
    kind: 'outbound',
    author: { kind: 'agent', id: t.admin.agentId, name: 'Agent' },
    text: 'We are on it.',
    channel: { kind: 'email', name: 'support' },
    delivery: 'sent',
    createdAt: now(),
  });
  await recordMessageId(t.ctx.db, { messageId: emailMessageId, channel: 'support', kefuMessageId: message.id, direction: 'out' });
  return message.id;
}

const setStatus = (ticketId: number, status: 'resolved' | 'closed') =>
  t.ctx.db.updateTable('tickets').set({ status }).where('id', '=', ticketId).execute();

const outboxPayloads = async () =>
  (await t.ctx.db.selectFrom('outbox').select(['payload', 'kind']).where('kind', '=', 'email').execute()).map((r) => JSON.parse(r.payload) as Record<string, unknown>);

describe('email ingest and threading', () => {
  it('creates a ticket for a new mail and threads a reply by In-Reply-To', async () => {
    const first = await ingest(buildMail({ messageId: 'thread-a1@example.org', subject: 'Parcel missing' }));
    expect(first).toMatchObject({ created: true, ticketCreated: true });
    const reply = await ingest(buildMail({ messageId: 'thread-a2@example.org', subject: 'Re: Parcel missing', inReplyTo: 'thread-a1@example.org' }));
    expect(reply.ticketId).toBe(first.ticketId);
    expect(reply.ticketCreated).toBe(false);
  });

  it('threads a reply to our outbound mail by References', async () => {
    const first = await ingest(buildMail({ messageId: 'thread-b1@example.org' }));
    await addOutbound(first.ticketId as number, 'kefu.m1.out-b@example.com');
    const reply = await ingest(
      buildMail({ messageId: 'thread-b2@example.org', subject: 'Re: something else entirely', references: '<unknown@elsewhere.example> <kefu.m1.out-b@example.com>' }),
    );
    expect(reply.ticketId).toBe(first.ticketId);
  });

  it('threads by a [#number] subject token only for the ticket contact', async () => {
    const first = await ingest(buildMail({ from: 'Ann <ann@example.org>', messageId: 'token-1@example.org' }));
    const own = await ingest(buildMail({ from: 'Ann <ann@example.org>', messageId: 'token-2@example.org', subject: `Update [#${first.ticketNumber}]` }));
    expect(own.ticketId).toBe(first.ticketId);
    const stranger = await ingest(buildMail({ from: 'Mallory <mallory@example.net>', messageId: 'token-3@example.org', subject: `Hijack [#${first.ticketNumber}]` }));
    expect(stranger.ticketId).not.toBe(first.ticketId);
    expect(stranger.ticketCreated).toBe(true);
  });

  it('threads by a signed plus address and rejects a forged one', async () => {
    const first = await ingest(buildMail({ from: 'Bob <bob@example.org>', messageId: 'plus-1@example.org' }));
    const number = first.ticketNumber as number;
    const signed = replyAddress(t.ctx.secret, 'support', 'support@example.com', number);
    const viaPlus = await ingest(buildMail({ from: 'Colleague <colleague@example.org>', to: signed, messageId: 'plus-2@example.org', subject: 'no token here' }));
    expect(viaPlus.ticketId).toBe(first.ticketId);
    const forged = await ingest(buildMail({ to: `support+t${number}.000000000000@example.com`, messageId: 'plus-3@example.org', subject: 'no token' }));
    expect(forged.ticketId).not.toBe(first.ticketId);
  });

  it('reopens a resolved ticket and opens a linked follow-up for a closed one', async () => {
    const first = await ingest(buildMail({ messageId: 'status-1@example.org' }));
    const ticketId = first.ticketId as number;
    await setStatus(ticketId, 'resolved');
    const again = await ingest(buildMail({ messageId: 'status-2@example.org', inReplyTo: 'status-1@example.org' }));
    expect(again.ticketId).toBe(ticketId);
    expect((await findTicket(t.ctx.db, ticketId))?.status).toBe('open');

    await setStatus(ticketId, 'closed');
    const late = await ingest(buildMail({ messageId: 'status-3@example.org', inReplyTo: 'status-2@example.org' }));
    expect(late.ticketId).not.toBe(ticketId);
    const link = await t.ctx.db.selectFrom('ticket_links').selectAll().where('ticket_id', '=', late.ticketId as number).executeTakeFirst();
    expect(link).toMatchObject({ linked_ticket_id: ticketId, kind: 'follow_up' });
  });

  it('follows a merge: a reply to a merged ticket lands on the survivor', async () => {
    const a = await ingest(buildMail({ messageId: 'merge-a@example.org' }));
    const b = await ingest(buildMail({ messageId: 'merge-b@example.org' }));
    await t.ctx.db.updateTable('tickets').set({ merged_into_id: b.ticketId, status: 'closed' }).where('id', '=', a.ticketId as number).execute();
    const reply = await ingest(buildMail({ messageId: 'merge-c@example.org', inReplyTo: 'merge-a@example.org' }));
    expect(reply.ticketId).toBe(b.ticketId);
  });

  it('imports the same Message-ID once', async () => {
    const raw = buildMail({ messageId: 'dup-1@example.org' });
    const one = await ingest(raw);
    const two = await ingest(raw);
    expect(two).toMatchObject({ created: false, ticketId: one.ticketId, messageId: one.messageId });
    const count = await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('idempotency_key', '=', 'dup-1@example.org').executeTakeFirst();
    expect(Number(count?.n)).toBe(1);
  });

  it('imports a mail without Message-ID once, however often it is piped', async () => {
    const raw = buildMail({ messageId: null, body: 'no id here' });
    const one = await ingest(raw);
    const two = await ingest(raw);
    expect(one.created).toBe(true);
    expect(two).toMatchObject({ created: false, messageId: one.messageId });
  });

  it('ignores mail from our own address', async () => {
    const res = await ingest(buildMail({ from: 'Support <support@example.com>', messageId: 'own-1@example.com' }));
    expect(res).toMatchObject({ ignored: 'own-address', created: false, ticketId: null });
  });

  it('attaches a bounce to the ticket and marks the outbound message failed', async () => {
    const first = await ingest(buildMail({ from: 'Nobody <nobody@customer.example>', messageId: 'bounce-src@example.org' }));
    const outboundId = await addOutbound(first.ticketId as number, 'kefu.m99.lt9zz.0123456789ab@example.com');
    const res = await ingest(readFileSync(path.join(FIXTURES, 'dsn-bounce.eml')));
    expect(res.ticketId).toBe(first.ticketId);
    const outbound = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', outboundId).executeTakeFirstOrThrow();
    expect(outbound.delivery_status).toBe('failed');
    expect(outbound.delivery_error).toMatch(/nobody@customer\.example.*User unknown/);
    const note = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', res.messageId as number).executeTakeFirstOrThrow();
    expect(note).toMatchObject({ kind: 'system', author_kind: 'system' });
    const again = await ingest(readFileSync(path.join(FIXTURES, 'dsn-bounce.eml')));
    expect(again).toMatchObject({ created: false, messageId: res.messageId });
  });

  it('stores an auto-reply without acknowledging it, and acknowledges a person within the limit', async () => {
    const before = (await outboxPayloads()).length;
    await ingest(readFileSync(path.join(FIXTURES, 'auto-reply-outlook-ooo.eml')));
    expect((await outboxPayloads()).length).toBe(before);

    for (let i = 0; i < 3; i++) await ingest(buildMail({ from: 'Carol <carol@example.org>', messageId: `ack-${i}@example.org`, subject: `Question ${i}` }));
    const acks = (await outboxPayloads()).filter((p) => p.to === 'carol@example.org');
    expect(acks).toHaveLength(2);
    expect(acks[0]).toMatchObject({ type: 'plain', autoSubmitted: true, inReplyTo: 'ack-0@example.org' });
    expect(String(acks[0]?.subject)).toMatch(/^We got your mail \[#\d+\]$/);
    expect(String(acks[0]?.text)).toContain('Hello Carol');
  });

  it('stores the fixture corpus end to end with text, attachments and notes', async () => {
    const qq = await ingest(readFileSync(path.join(FIXTURES, 'qqmail-gb18030-attachment.eml')));
    const att = await t.ctx.db
      .selectFrom('message_attachments as ma')
      .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
      .select(['a.name', 'a.content_type'])
      .where('ma.message_id', '=', qq.messageId as number)
      .execute();
    expect(att).toEqual([{ name: '发票扫描件.pdf', content_type: 'application/pdf' }]);

    const cid = await ingest(readFileSync(path.join(FIXTURES, 'inline-cid-image.eml')));
    const msg = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', cid.messageId as number).executeTakeFirstOrThrow();
    expect(msg.html).toMatch(/src="\/api\/v1\/attachments\/\d+\/image001\.png"/);
    expect(msg.html).not.toContain('src="cid:');

    const bad = await ingest(readFileSync(path.join(FIXTURES, 'undecodable-charset.eml')));
    const badMsg = await t.ctx.db.selectFrom('messages').selectAll().where('id', '=', bad.messageId as number).executeTakeFirstOrThrow();
    expect(JSON.parse(badMsg.meta).notes.join(' ')).toMatch(/could not be decoded/);

    const empty = await ingest(readFileSync(path.join(FIXTURES, 'empty-body.eml')));
    expect(empty.created).toBe(true);
  });

  it('stores concurrently delivered mails in the order they were handed over, so a reply right behind its original joins it', async () => {
    // The original takes far longer to parse (2 MB, on the worker pool) than the reply (inline):
    // its intake must still come first, or the reply would find no thread and open a ticket.
    const original = buildMail({ from: 'Hana <hana@example.org>', messageId: 'order-1@example.org', subject: 'Damaged box', body: 'The box was crushed.\r\n'.repeat(100_000) });
    const reply = buildMail({ from: 'Hana <hana@example.org>', messageId: 'order-2@example.org', subject: 'More photos', inReplyTo: 'order-1@example.org' });
    const [first, second] = await Promise.all([ingest(original), ingestRawEmail(t.ctx, channel, reply, { inline: true })]);
    expect(first.created && second.created).toBe(true);
    expect(first.ticketCreated).toBe(true);
    expect(second.ticketId).toBe(first.ticketId);
    const ids = (await t.ctx.db.selectFrom('messages').select(['id', 'idempotency_key']).where('ticket_id', '=', first.ticketId as number).orderBy('id').execute()).map((m) => m.idempotency_key);
    expect(ids).toEqual(['order-1@example.org', 'order-2@example.org']);
  });

  it('stores attachments parsed on the worker pool byte for byte', async () => {
    const opts = { maxAttachmentBytes: 25 * 1024 * 1024 };
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    for (const file of ['shift-jis-attachment.eml', 'rfc2231-continuation.eml', 'attachment-only.eml', 'malformed-mime.eml']) {
      const raw = readFileSync(path.join(FIXTURES, file));
      const expected = (await parseEmail(raw, opts)).attachments.map((a) => ({ name: a.filename, sha256: sha(a.content), size: a.content.length }));
      expect(expected.length, file).toBeGreaterThan(0);
      const r = await ingestRawEmail(t.ctx, channel, raw, { inline: false });
      expect(r.created, file).toBe(true);
      const stored = await storedAttachments(t.ctx, r.messageId as number);
      expect(stored, file).toEqual(expected);
    }
  });

  it('stores mails handed over without waiting for each commit in the order given, threads included', async () => {
    const opts = { maxAttachmentBytes: 25 * 1024 * 1024 };
    const mails = await Promise.all(
      [
        buildMail({ from: 'Kai <kai@example.org>', messageId: 'burst-1@example.org', subject: 'Missing parcel' }),
        buildMail({ from: 'Lea <lea@example.org>', messageId: 'burst-2@example.org', subject: 'Refund' }),
        buildMail({ from: 'Kai <kai@example.org>', messageId: 'burst-3@example.org', subject: 'Re: Missing parcel', references: '<burst-1@example.org>' }),
        buildMail({ from: 'Kai <kai@example.org>', messageId: 'burst-1@example.org', subject: 'Missing parcel' }),
      ].map((raw) => parseEmail(raw, opts)),
    );
    const results = await Promise.all(mails.map((m) => ingestParsedEmail(t.ctx, channel, m)));
    expect(results.map((r) => r.created)).toEqual([true, true, true, false]);
    expect(results[2]?.ticketId).toBe(results[0]?.ticketId);
    expect(results[3]?.messageId).toBe(results[0]?.messageId);
    expect(results[1]?.ticketId).not.toBe(results[0]?.ticketId);
    const order = await t.ctx.db.selectFrom('messages').select('idempotency_key').where('idempotency_key', 'like', 'burst-%').orderBy('id').execute();
    expect(order.map((r) => r.idempotency_key)).toEqual(['burst-1@example.org', 'burst-2@example.org', 'burst-3@example.org']);
  });

  it('fails a reply handed over behind an original that could not be stored, rather than opening a ticket for it', async () => {
    const opts = { maxAttachmentBytes: 25 * 1024 * 1024 };
    const original = await parseEmail(buildMail({ from: 'Mia <mia@example.org>', messageId: 'doomed-1@example.org' }), opts);
    // Intake refuses a message without an idempotency key, so this one cannot be stored.
    const unstorable = { ...original, messageId: ' ' };
    const reply = { ...(await parseEmail(buildMail({ from: 'Mia <mia@example.org>', messageId: 'doomed-2@example.org' }), opts)), inReplyTo: [' '] };
    const [first, second] = await Promise.allSettled([ingestParsedEmail(t.ctx, channel, unstorable), ingestParsedEmail(t.ctx, channel, reply)]);
    expect(first.status).toBe('rejected');
    expect(second.status).toBe('rejected');
    expect(second.status === 'rejected' && String(second.reason)).toMatch(/earlier mail it refers to/);
    const stored = await t.ctx.db.selectFrom('messages').select('id').where('idempotency_key', '=', 'doomed-2@example.org').execute();
    expect(stored).toHaveLength(0);
    // Handed over again once the cause is gone, it is stored.
    expect((await ingestParsedEmail(t.ctx, channel, { ...reply, inReplyTo: [] })).created).toBe(true);
  });
});
