import type { AppContext } from '../../context.js';
import { parseJsonObject } from '../../modules/tickets/json.js';
import { PermanentDeliveryError, UncertainDeliveryError, type OutboxJob, type Sender } from '../../outbox/senders.js';
import {
  attachmentsOf,
  fromOf,
  outboundMessageId,
  replySubject,
  replyToOf,
  threadIds,
  withSignature,
  withTicketToken,
  type OutgoingMail,
} from './compose.js';
import type { EmailChannelConfig } from './config-schema.js';
import { clearHandoff, markAccepted, markDataStarted, outboundFor, outboundOf } from './outbound-queries.js';
import { isPlainPayload, stringList, type PlainEmailPayload } from './payloads.js';
import { recordMessageId, ticketNumberOf } from './queries.js';
import { handOff, SmtpHandoffError } from './smtp-client.js';

const isOurs = (ctx: AppContext, address: string): boolean =>
  ctx.config.channels.email.some((c) => c.address.toLowerCase() === address.toLowerCase());

/** Where a reply goes: the address the customer last wrote from (Reply-To first), else the contact's email. */
async function recipientOf(ctx: AppContext, ticketId: number, contactEmail: string | null): Promise<string | null> {
  const last = await ctx.db
    .selectFrom('messages')
    .select('meta')
    .where('ticket_id', '=', ticketId)
    .where('kind', '=', 'inbound')
    .where('channel_kind', '=', 'email')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const email = parseJsonObject(last?.meta ?? null).email as { replyTo?: { address?: string }; from?: { address?: string } } | undefined;
  const candidates = [email?.replyTo?.address, email?.from?.address, contactEmail];
  return candidates.find((a): a is string => typeof a === 'string' && a.includes('@') && !isOurs(ctx, a)) ?? null;
}

async function composeReply(ctx: AppContext, channel: EmailChannelConfig, job: OutboxJob, messageId: number): Promise<OutgoingMail> {
  const message = await ctx.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!message) throw new PermanentDeliveryError('the message to send no longer exists');
  const ticket = await ctx.db
    .selectFrom('tickets as t')
    .leftJoin('contacts as c', 'c.id', 't.contact_id')
    .select(['t.id', 't.number', 't.subject', 'c.email'])
    .where('t.id', '=', message.ticket_id)
    .executeTakeFirst();
  if (!ticket) throw new PermanentDeliveryError('the ticket of this message no longer exists');
  const to = await recipientOf(ctx, ticket.id, ticket.email);
  if (!to) throw new PermanentDeliveryError('the contact has no email address to reply to');
  const meta = parseJsonObject(message.meta);
  const { message_id: id } = await outboundFor(ctx.db, {
    outboxId: job.id,
    channel: channel.name,
    messageId: outboundMessageId(ctx.secret, channel.address, 'm', message.id),
    ticketId: ticket.id,
    kefuMessageId: message.id,
  });
  // Recorded before sending: a customer's instant answer must already find its ticket.
  await recordMessageId(ctx.db, { messageId: id, channel: channel.name, kefuMessageId: message.id, direction: 'out' });
  const thread = await threadIds(ctx.db, ticket.id, id);
  const body = withSignature(channel, message.text, message.html);
  return {
    from: fromOf(channel),
    replyTo: replyToOf(ctx.secret, channel, ticket.number),
    to: [to],
    cc: [...new Set([...stringList(meta.cc), ...stringList(job.payload.cc)])],
    bcc: [...new Set([...stringList(meta.bcc), ...stringList(job.payload.bcc)])],
    // The first mail of a ticket an agent opened is not a reply to anything.
    subject: thread.references.length > 0 ? replySubject(ticket.subject, ticket.number) : withTicketToken(ticket.subject, ticket.number),
    text: body.text,
    html: body.html,
    messageId: id,
    inReplyTo: thread.inReplyTo,
    references: thread.references,
    attachments: await attachmentsOf(ctx.db, ctx.paths.attachments, message.id),
    headers: {},
  };
}

async function composePlain(ctx: AppContext, channel: EmailChannelConfig, job: OutboxJob, p: PlainEmailPayload): Promise<OutgoingMail> {
  const ticketId = typeof p.ticketId === 'number' ? p.ticketId : null;
  const number = ticketId === null ? null : await ticketNumberOf(ctx.db, ticketId);
  const thread = ticketId === null ? { references: [] as string[] } : await threadIds(ctx.db, ticketId, '');
  const inReplyTo = p.inReplyTo ?? thread.inReplyTo;
  const references = inReplyTo && !thread.references.includes(inReplyTo) ? [...thread.references, inReplyTo] : thread.references;
  // Recorded before sending, like a reply's: an answer to an acknowledgement finds its ticket.
  const { message_id: id } = await outboundFor(ctx.db, {
    outboxId: job.id,
    channel: channel.name,
    messageId: outboundMessageId(ctx.secret, channel.address, 'o', job.id),
    ticketId: ticketId ?? (typeof p.aboutTicketId === 'number' ? p.aboutTicketId : null),
    kefuMessageId: null,
  });
  return {
    from: fromOf(channel),
    replyTo: replyToOf(ctx.secret, channel, number),
    to: [p.to],
    cc: [],
    bcc: [],
    subject: withTicketToken(p.subject, number),
    text: p.text,
    ...(p.html ? { html: p.html } : {}),
    messageId: id,
    inReplyTo: inReplyTo ?? undefined,
    references,
    attachments: [],
    // RFC 3834: tells other responders not to answer this one.
    headers: p.autoSubmitted
      ? { 'Auto-Submitted': p.autoSubmitted === 'auto-generated' ? 'auto-generated' : 'auto-replied', 'X-Auto-Response-Suppress': 'All' }
      : {},
  };
}

const bracket = (id: string): string => `<${id}>`;

function smtpError(err: unknown): Error {
  const e = err as { responseCode?: number; response?: string; message?: string };
  const text = e.response ?? e.message ?? String(err);
  // 5xx is the server's final word (unknown user, rejected content); 4xx and network trouble may pass.
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return new PermanentDeliveryError(`SMTP ${e.responseCode}: ${text}`, { cause: err });
  return err instanceof Error ? err : new Error(text);
}

// Short: the timeline shows it beside the author's name. The mail server took the data and the
// connection ended before its reply, so the mail may have been delivered.
const UNCERTAIN = 'Delivery uncertain: the server did not confirm; not resent';

/** The whole message as the server will see it, and its envelope (Bcc recipients are in the envelope only). */
async function render(mail: OutgoingMail): Promise<{ raw: Buffer; envelope: { from: string; to: string[] } }> {
  // Loaded with the first mail sent: a desk without email never holds nodemailer.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const node = new MailComposer({
    from: mail.from,
    replyTo: mail.replyTo,
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: bracket(mail.messageId),
    inReplyTo: mail.inReplyTo ? bracket(mail.inReplyTo) : undefined,
    references: mail.references.map(bracket),
    attachments: mail.attachments,
    headers: mail.headers,
  }).compile();
  const envelope = node.getEnvelope();
  return { raw: await node.build(), envelope: { from: envelope.from || mail.from.address, to: envelope.to } };
}

export interface EmailSender {
  send: Sender;
  close(): void;
}

/**
 * The outbox sender for kind 'email': agent replies and Kefu's own mails, through each mailbox's
 * SMTP server. Each job's hand-off is recorded (email_outbound): a job whose 250 arrived is never
 * sent again, and one whose body went out without a 250 is marked uncertain instead of resent.
 */
export function createEmailSender(ctx: AppContext): EmailSender {
  const send: Sender = async (job) => {
    const channel = ctx.config.channels.email.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no email channel named "${job.channelName ?? ''}"`);
    if (!channel.smtp) throw new PermanentDeliveryError(`email channel "${channel.name}" has no smtp section`);
    const before = await outboundOf(ctx.db, job.id);
    // The server took it; only the worker that saw the 250 died before the row said so.
    if (before?.accepted_at != null) return;
    if (before?.data_started_at != null) {
      // A later try of the same job: an earlier one died between the body and the reply.
      if (job.attempt > 1) throw new UncertainDeliveryError(UNCERTAIN);
      // Attempt 1 again means an agent chose to send it anyway (outbox.retry starts over).
      await clearHandoff(ctx.db, job.id);
    }
    let mail: OutgoingMail;
    if (isPlainPayload(job.payload)) mail = await composePlain(ctx, channel, job, job.payload);
    else if (job.messageId !== null) mail = await composeReply(ctx, channel, job, job.messageId);
    else throw new PermanentDeliveryError('outbox row has neither a message nor a plain email');
    const { raw, envelope } = await render(mail);
    try {
      await handOff(channel.smtp, envelope, raw, () => markDataStarted(ctx.db, job.id));
    } catch (err) {
      if (!(err instanceof SmtpHandoffError) || !err.bodyStarted) throw smtpError(err instanceof SmtpHandoffError ? err.cause : err);
      if (!err.answered) throw new UncertainDeliveryError(UNCERTAIN, { cause: err });
      // The server answered the body with a refusal: it does not have it, a retry is safe.
      await clearHandoff(ctx.db, job.id);
      throw smtpError(err.cause);
    }
    await markAccepted(ctx.db, job.id);
    ctx.logger.info({ channel: channel.name, outboxId: job.id, messageId: job.messageId }, 'email sent');
  };
  return {
    send,
    close() {
      // Each hand-off has its own connection, closed when it ends: nothing is pooled.
    },
  };
}
