import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { intake } from '../../intake/intake.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { queueAutoAcknowledgement } from './auto-ack.js';
import type { EmailChannelConfig } from './config-schema.js';
import { parseEmail, type ParsedEmail } from './parse.js';
import { parsePool } from './parse-pool.js';
import { recordBounce } from './bounces.js';
import { recordMessageId } from './queries.js';
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

export interface ParseChoice {
  /** Parse on the calling thread: a one-mail process (`kefu mail-pipe`) would wait longer for a worker to start. */
  inline?: boolean | undefined;
}

/** Raw bytes → ParsedEmail, on the context's parse pool unless inline. Never rejects for bad input. */
export function parseRawEmail(ctx: AppContext, raw: Buffer, choice: ParseChoice = {}): Promise<ParsedEmail> {
  const opts = { maxAttachmentBytes: maxAttachmentBytes(ctx) };
  return choice.inline ? parseEmail(raw, opts) : parsePool(ctx).parse(raw, opts);
}

/**
 * One parsed email into Kefu: find its thread, hand it to intake, remember its Message-ID.
 * Callers that parse ahead must still call this in arrival order: a reply finds its ticket
 * only through the Message-IDs of the mails ingested before it.
 */
export async function ingestParsedEmail(ctx: AppContext, channel: EmailChannelConfig, mail: ParsedEmail): Promise<IngestResult> {
  const log = ctx.logger.child({ subsystem: 'email', channel: channel.name });
  if (mail.from && isOwnAddress(ctx, mail.from.address)) {
    log.info({ emailMessageId: mail.messageId }, 'ignored mail from our own address');
    return { ticketId: null, ticketNumber: null, messageId: null, created: false, ignored: 'own-address' };
  }
  const bounced = await recordBounce(ctx, channel, mail);
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

/** The tail of the raw-mail lane per context: each call's intake waits for the previous call's. */
const lanes = new WeakMap<AppContext, Promise<unknown>>();

/**
 * One raw email into Kefu, whichever way it came (MTA pipe, admin upload): parse, then ingest.
 * Concurrent calls (an MTA delivering several mails at once) parse in parallel but are ingested
 * one at a time in the order they were called, so a reply delivered right after its original
 * still finds it. Repeating the same bytes changes nothing.
 */
export function ingestRawEmail(ctx: AppContext, channel: EmailChannelConfig, raw: Buffer, choice: ParseChoice = {}): Promise<IngestResult> {
  const parsed = parseRawEmail(ctx, raw, choice);
  // Marked handled now: a failure surfaces where it is awaited, not as an unhandled rejection while queued.
  parsed.catch(() => undefined);
  const run = (lanes.get(ctx) ?? Promise.resolve()).then(async () => ingestParsedEmail(ctx, channel, await parsed));
  lanes.set(ctx, run.catch(() => undefined));
  return run;
}
