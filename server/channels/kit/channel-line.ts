import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import { messageEvent } from '../../modules/tickets/chat-events.js';
import { appendMessage } from '../../modules/tickets/messages.js';
import { findMessageByIdempotencyKey, findTicketByThreadKey } from '../../modules/tickets/queries.js';

export interface ChannelLine {
  /** unique per channel, so a provider's retry adds the line once */
  key: string;
  /** English, like other system lines; the agent app words it from `meta.event` */
  text: string;
  meta: Record<string, unknown> & { event: string };
}

/**
 * A system line on the ticket of a channel conversation (a customer edited a message): it is no
 * new customer message, so it neither reopens the ticket nor goes through intake. Null when the
 * conversation has no ticket, or the line was recorded before.
 */
export async function recordChannelLine(
  ctx: AppContext,
  channel: { kind: string; name: string },
  threadKey: string,
  line: ChannelLine,
): Promise<{ ticketId: number; messageId: number } | null> {
  return ctx.database.transaction(async (tx, onCommit) => {
    const ticket = await findTicketByThreadKey(tx, channel, threadKey);
    if (!ticket) return null;
    if (await findMessageByIdempotencyKey(tx, channel, line.key)) return null;
    const contact = await tx.selectFrom('contacts').select('name').where('id', '=', ticket.contact_id).executeTakeFirst();
    const appended = await appendMessage(tx, ticket, {
      kind: 'system',
      author: { kind: 'contact', id: ticket.contact_id, name: contact?.name ?? '' },
      text: line.text,
      channel,
      idempotencyKey: line.key,
      meta: line.meta,
      createdAt: now(),
    });
    const actor: Actor = { kind: 'contact', id: ticket.contact_id };
    const event = await messageEvent(tx, actor, appended.ticket, appended.message);
    onCommit(() => ctx.bus.emit(event));
    return { ticketId: ticket.id, messageId: appended.message.id };
  });
}
