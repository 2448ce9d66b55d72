import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { parseJsonObject } from '../../modules/tickets/json.js';
import { appendMessage } from '../../modules/tickets/messages.js';
import { findMessageByIdempotencyKey, findTicket } from '../../modules/tickets/queries.js';
import { setDeliveryStatus } from '../../outbox/delivery.js';
import { outboundMessageId } from './compose.js';
import type { EmailChannelConfig } from './config-schema.js';
import type { IngestResult } from './ingest.js';
import type { ParsedEmail } from './parse.js';
import { findKnownMessageIds, survivingTicketId } from './queries.js';

interface BouncedMail {
  ticketId: number;
  /** The timeline message that bounced; null for Kefu's own mails (acknowledgements). */
  kefuMessageId: number | null;
}

/** Which of our mails a bounce is about: an agent reply we recorded, or a signed id of our own plain mails. */
async function bouncedMail(ctx: AppContext, id: string): Promise<BouncedMail | null> {
  const [known] = (await findKnownMessageIds(ctx.db, [id])).filter((k) => k.direction === 'out');
  if (known) {
    const ticketId = await survivingTicketId(ctx.db, known.ticketId);
    return ticketId === null ? null : { ticketId, kefuMessageId: known.kefuMessageId };
  }
  const own = /^kefu\.o(\d{1,15})\.[0-9a-f]{16}@(.+)$/.exec(id);
  if (!own?.[1] || !own[2]) return null;
  const jobId = Number(own[1]);
  // Signed: a forged bounce cannot write into a ticket it merely guessed.
  if (outboundMessageId(ctx.secret, `x@${own[2]}`, 'o', jobId) !== id) return null;
  const row = await ctx.db.selectFrom('outbox').select('payload').where('id', '=', jobId).executeTakeFirst();
  const ticketId = parseJsonObject(row?.payload ?? null).ticketId;
  if (typeof ticketId !== 'number') return null;
  const live = await survivingTicketId(ctx.db, ticketId);
  return live === null ? null : { ticketId: live, kefuMessageId: null };
}

/**
 * A bounce of one of our own mails: a system note on its ticket and, for an agent reply, the
 * outbound message marked failed with the reason. Bounces we cannot place return null and go
 * through intake like any mail, so nothing is dropped.
 */
export async function recordBounce(ctx: AppContext, channel: EmailChannelConfig, mail: ParsedEmail): Promise<IngestResult | null> {
  const bounce = mail.bounce;
  if (!bounce?.originalMessageId) return null;
  const target = await bouncedMail(ctx, bounce.originalMessageId);
  if (!target) return null;
  const key = mail.messageId;
  const chan = { kind: 'email', name: channel.name };
  const result = await ctx.database.transaction(async (tx) => {
    const seen = await findMessageByIdempotencyKey(tx, chan, key);
    const ticket = await findTicket(tx, seen?.ticket_id ?? target.ticketId);
    if (!ticket) return null;
    if (seen) return { ticketId: ticket.id, ticketNumber: ticket.number, messageId: seen.id, created: false };
    const who = bounce.recipient ? ` to ${bounce.recipient}` : '';
    const { message } = await appendMessage(tx, ticket, {
      kind: 'system',
      author: { kind: 'system', id: null, name: 'Mail delivery' },
      text: `Delivery${who} failed: ${bounce.reason}`,
      channel: chan,
      idempotencyKey: key,
      meta: { bounce, bouncedMessageId: target.kefuMessageId },
      createdAt: now(),
    });
    return { ticketId: ticket.id, ticketNumber: ticket.number, messageId: message.id, created: true };
  });
  if (result?.created && bounce.action === 'failed' && target.kefuMessageId !== null) {
    const reason = `Bounced${bounce.recipient ? ` by ${bounce.recipient}` : ''}: ${bounce.reason}`.slice(0, 500);
    await setDeliveryStatus(ctx, target.kefuMessageId, 'failed', reason);
  }
  return result;
}
