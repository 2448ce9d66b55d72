import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { intake } from '../../intake/intake.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { queueAutoAcknowledgement } from './auto-ack.js';
import type { EmailChannelConfig } from './config-schema.js';
import { parseEmailInline } from './parse-inline.js';
import type { ParsedEmail } from './parse.js';
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
      invalidSender: mail.invalidSender ?? undefined,
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
  /**
   * true: parse on the calling thread (a one-mail process such as `kefu mail-pipe` would wait
   * longer for a worker to start); false: on the pool; unset: ingestRawEmail decides.
   */
  inline?: boolean | undefined;
}

/** Raw bytes → ParsedEmail, on the context's parse pool unless inline. Never rejects for bad input. */
/** Attachments above this are streamed to the store while the mail is parsed, never held whole. */
const SPOOL_ABOVE_BYTES = 512 * 1024;

export function parseRawEmail(ctx: AppContext, raw: Buffer, choice: ParseChoice = {}): Promise<ParsedEmail> {
  const max = maxAttachmentBytes(ctx);
  const opts = { maxAttachmentBytes: max, spool: { root: ctx.paths.attachments, aboveBytes: SPOOL_ABOVE_BYTES, maxBytes: max } };
  return choice.inline ? parseEmailInline(raw, opts) : parsePool(ctx).parse(raw, opts);
}

type Staged = { done: IngestResult } | { stored: Promise<IntakeResult>; thread: ThreadMatch | null };

const noop = (): void => undefined;

/**
 * Email intake of one context, in order but without waiting for each commit. Each mail is
 * staged strictly after the one before it (own-address and bounce checks, thread lookup, then
 * its intake unit queued), so messages are stored in the order they were handed over. The
 * commit is left to intake's shared transaction, so mails staged in one turn share it. A mail
 * that names one still in flight (In-Reply-To, References, its own Message-ID) waits for that
 * one's commit before it looks for its thread: a reply never misses its original.
 */
class EmailIntake {
  readonly #ctx: AppContext;
  #turn: Promise<unknown> = Promise.resolve();
  /** Message-ID → the commit of that mail, while it is staged but not yet committed. */
  readonly #inFlight = new Map<string, Promise<IntakeResult>>();

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  ingest(channel: EmailChannelConfig, mail: ParsedEmail): Promise<IngestResult> {
    const staged = this.#turn.then(() => this.#stage(channel, mail));
    this.#turn = staged.then(noop, noop);
    return staged.then((s) => ('done' in s ? s.done : this.#finish(channel, mail, s.thread, s.stored)));
  }

  async #stage(channel: EmailChannelConfig, mail: ParsedEmail): Promise<Staged> {
    const ctx = this.#ctx;
    if (mail.from && isOwnAddress(ctx, mail.from.address)) {
      ctx.logger.info({ subsystem: 'email', channel: channel.name, emailMessageId: mail.messageId }, 'ignored mail from our own address');
      return { done: { ticketId: null, ticketNumber: null, messageId: null, created: false, ignored: 'own-address' } };
    }
    for (const id of new Set([mail.messageId, ...mail.inReplyTo, ...mail.references])) {
      const earlier = this.#inFlight.get(id);
      // Threading it without that mail would open a wrong ticket: fail, to be retried, instead.
      if (earlier) await earlier.catch(() => Promise.reject(new Error(`an earlier mail it refers to (${id}) could not be stored`)));
    }
    const bounced = await recordBounce(ctx, channel, mail);
    if (bounced) return { done: bounced };

    const thread = await findThread(ctx.db, mail, { secret: ctx.secret, channel: channel.name, mailbox: channel.address });
    // The Message-ID is recorded in the same transaction as the message: one commit, and never one without the other.
    const stored = intake(ctx, toInbound(channel, mail, thread), (tx, result) =>
      recordMessageId(tx, { messageId: mail.messageId, channel: channel.name, kefuMessageId: result.messageId, direction: 'in' }),
    );
    this.#inFlight.set(mail.messageId, stored);
    const settled = (): void => {
      if (this.#inFlight.get(mail.messageId) === stored) this.#inFlight.delete(mail.messageId);
    };
    // A failure stays visible until the next turn of the event loop: a reply staged meanwhile, or
    // by a caller still to learn of the failure, fails too instead of opening a ticket of its own.
    stored.then(settled, () => setImmediate(settled));
    return { stored, thread };
  }

  async #finish(channel: EmailChannelConfig, mail: ParsedEmail, thread: ThreadMatch | null, stored: Promise<IntakeResult>): Promise<IngestResult> {
    const result = await stored;
    if (result.created) {
      this.#ctx.logger.debug({ subsystem: 'email', channel: channel.name, ticketId: result.ticketId, messageId: result.messageId, threadedBy: thread?.via ?? null }, 'email imported');
      if (result.ticketCreated) await queueAutoAcknowledgement(this.#ctx, channel, mail, result);
    }
    return {
      ticketId: result.ticketId,
      ticketNumber: result.ticketNumber,
      messageId: result.messageId,
      created: result.created,
      ticketCreated: result.ticketCreated,
    };
  }
}

const intakes = new WeakMap<AppContext, EmailIntake>();

/**
 * One parsed email into Kefu: find its thread, hand it to intake with its Message-ID. Resolves
 * once it is committed. Calls may overlap (a caller that parsed ahead need not wait for each
 * commit): they are stored in the order they were made, so make them in arrival order.
 */
export function ingestParsedEmail(ctx: AppContext, channel: EmailChannelConfig, mail: ParsedEmail): Promise<IngestResult> {
  let lane = intakes.get(ctx);
  if (!lane) {
    lane = new EmailIntake(ctx);
    intakes.set(ctx, lane);
  }
  return lane.ingest(channel, mail);
}

/** Per context, the turn of the next raw mail: it is handed to intake after the one before it. */
const rawTurns = new WeakMap<AppContext, Promise<unknown>>();
/** Per context, raw mails between call and result. */
const rawInFlight = new WeakMap<AppContext, number>();

/**
 * A lone mail is parsed inline: with nothing to overlap, the hop to a worker and back only adds
 * to it. Not a big one, though: that would hold up everything else the main thread serves.
 */
const LONE_INLINE_MAX_BYTES = 256 * 1024;

/**
 * One raw email into Kefu, whichever way it came (MTA pipe, admin upload): parse, then ingest.
 * Concurrent calls (an MTA delivering several mails at once) parse in parallel on the pool and
 * are stored in the order they were called, so a reply delivered right behind its original
 * still finds it. Repeating the same bytes changes nothing.
 */
export function ingestRawEmail(ctx: AppContext, channel: EmailChannelConfig, raw: Buffer, choice: ParseChoice = {}): Promise<IngestResult> {
  const busy = rawInFlight.get(ctx) ?? 0;
  rawInFlight.set(ctx, busy + 1);
  const inline = choice.inline ?? (busy === 0 && raw.length <= LONE_INLINE_MAX_BYTES);
  const parsed = parseRawEmail(ctx, raw, { inline });
  // Marked handled now: a failure surfaces where it is awaited, not as an unhandled rejection while queued.
  parsed.catch(noop);
  // The turn ends once the mail is handed to intake, not at its commit, so concurrent uploads share commits.
  const handed = (rawTurns.get(ctx) ?? Promise.resolve()).then(async () => ({ result: ingestParsedEmail(ctx, channel, await parsed) }));
  rawTurns.set(ctx, handed.then(noop, noop));
  const result = handed.then((h) => h.result);
  const settled = (): void => {
    rawInFlight.set(ctx, (rawInFlight.get(ctx) ?? 1) - 1);
  };
  result.then(settled, settled);
  return result;
}
