import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { intake } from '../../intake/intake.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { appendMessage } from '../../modules/tickets/messages.js';
import { findMessageByIdempotencyKey, findTicket } from '../../modules/tickets/queries.js';
import { setDeliveryStatus } from '../../outbox/delivery.js';
import { queueAutoAcknowledgement } from './auto-ack.js';
import type { EmailChannelConfig } from './config-schema.js';
import { parseEmail, type ParsedEmail } from './parse.js';
import { findKnownMessageIds, recordMessageId } from './queries.js';
import { findThread, type ThreadMatch } from './threading.js';

export interface IngestResult {
  ticketId: number | null;
  ticketNumber: number | null;
  messageId: number | null;
  /** false when this Message-ID was imported before (nothing changed) or the mail was ignored. */
  created: boolean;
  /** Why nothing was stored: the mail came from one of our own addresses. */
  ignored?: 'own-address' | undefined;
  ticketCreated?: boolean | undefined;
}

const UNKNOWN_SENDER = 'unknown-sender@kefu.invalid';

/** Every address we send from: mail from them is our own echo, never a customer. */
function isOwnAddress(ctx: AppContext, address: string): boolean {
  const lower = address.toLowerCase();
  return ctx.config.channels.email.some((c) => {
    const own = c.address.toLowerCase();
    const [local, domain] = own.split('@');
    return lower === own || (lower.startsWith(`${local}+`) && lower.endsWith(`@${domain}`));
  });
}

function metaOf(mail: ParsedEmail, thread: ThreadMatch | null): Record<string, unknown> {
  return {
    quoteStart: mail.quote.quoteStart,
    signatureStart: mail.quote.signatureStart,
    forwarded: mail.quote.forwarded || undefined,
    notes: mail.notes.length > 0 ? mail.notes : undefined,
    autoReply: mail.autoReply ?? undefined,
    bounce: mail.bounce ?? undefined,
    remoteImagesBlocked: mail.blockedRemoteImages || undefined,
    email: {
      messageId: mail.messageIdSynthesized ? null : mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references.slice(-50),
      from: mail.from,
      replyTo: mail.replyTo,
      to: mail.to,
      cc: mail.cc,
      date: mail.date,
      size: mail.size,
      threadedBy: thread?.via ?? null,
    },
  };
}

export function toInbound(channel: EmailChannelConfig, mail: ParsedEmail, thread: ThreadMatch | null): InboundMessage {
  const address = mail.from?.address ?? UNKNOWN_SENDER;
  return {
    channel: { kind: 'email', name: channel.name },
    sender: { identity: { kind: 'email', value: address }, email: address, name: mail.from?.name || undefined },
    thread: thread ? { ticketId: thread.ticketId } : undefined,
    subject: mail.subject || undefined,
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments,
    idempotencyKey: mail.messageId,
    receivedAt: now(),
    meta: metaOf(mail, thread),
  };
}

/**
 * A bounce of one of our own mails: a system note on that ticket and the outbound message marked
 * failed. Bounces we cannot place go through intake like any mail, so nothing is dropped.
 */
async function handleBounce(ctx: AppContext, channel: EmailChannelConfig, mail: ParsedEmail): Promise<IngestResult | null> {
  const bounce = mail.bounce;
  if (!bounce?.originalMessageId) return null;
  const [original] = (await findKnownMessageIds(ctx.db, [bounce.originalMessageId])).filter((k) => k.direction === 'out');
  if (!original) return null;
  const key = mail.messageId;
  const chan = { kind: 'email', name: channel.name };
  const result = await ctx.database.transaction(async (tx) => {
    const seen = await findMessageByIdempotencyKey(tx, chan, key);
    const ticket = await findTicket(tx, seen?.ticket_id ?? original.ticketId);
    if (!ticket) return null;
    if (seen) return { ticketId: ticket.id, ticketNumber: ticket.number, messageId: seen.id, created: false };
    const who = bounce.recipient ? ` to ${bounce.recipient}` : '';
    const { message } = await appendMessage(tx, ticket, {
      kind: 'system',
      author: { kind: 'system', id: null, name: 'Mail delivery' },
      text: `Delivery${who} failed: ${bounce.reason}`,
      channel: chan,
      idempotencyKey: key,
      meta: { bounce, bouncedMessageId: original.kefuMessageId },
      createdAt: now(),
    });
    return { ticketId: ticket.id, ticketNumber: ticket.number, messageId: message.id, created: true };
  });
  if (result?.created && bounce.action === 'failed') {
    await setDeliveryStatus(ctx, original.kefuMessageId, 'failed', `Bounced${bounce.recipient ? ` by ${bounce.recipient}` : ''}: ${bounce.reason}`.slice(0, 500));
  }
  return result;
}

/**
 * One raw email into Kefu, whichever way it came (IMAP, MTA pipe, admin upload): parse, find
 * its thread, hand it to intake, remember its Message-ID. Repeating the same bytes changes nothing.
 */
export async function ingestRawEmail(ctx: AppContext, channel: EmailChannelConfig, raw: Buffer): Promise<IngestResult> {
  const mail = await parseEmail(raw, { maxAttachmentBytes: maxAttachmentBytes(ctx) });
  const log = ctx.logger.child({ subsystem: 'email', channel: channel.name });
  if (mail.from && isOwnAddress(ctx, mail.from.address)) {
    log.info({ emailMessageId: mail.messageId }, 'ignored mail from our own address');
    return { ticketId: null, ticketNumber: null, messageId: null, created: false, ignored: 'own-address' };
  }
  const bounced = await handleBounce(ctx, channel, mail);
  if (bounced) return bounced;

  const thread = await findThread(ctx.db, mail, { secret: ctx.secret, channel: channel.name, mailbox: channel.address });
  const result: IntakeResult = await intake(ctx, toInbound(channel, mail, thread));
  await recordMessageId(ctx.db, { messageId: mail.messageId, channel: channel.name, kefuMessageId: result.messageId, direction: 'in' });
  if (result.created) {
    log.debug({ ticketId: result.ticketId, messageId: result.messageId, threadedBy: thread?.via ?? null }, 'email imported');
    if (result.ticketCreated) await queueAutoAcknowledgement(ctx, channel, mail, result);
  }
  return {
    ticketId: result.ticketId,
    ticketNumber: result.ticketNumber,
    messageId: result.messageId,
    created: result.created,
    ticketCreated: result.ticketCreated,
  };
}
