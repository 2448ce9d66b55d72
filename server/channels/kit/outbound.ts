import type { AppContext } from '../../context.js';
import { attachmentsOfMessages, type AttachmentRow } from '../../modules/attachments/queries.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { parseJsonObject } from '../../modules/tickets/json.js';
import { findMessage, findTicket, type MessageRow, type TicketRow } from '../../modules/tickets/queries.js';
import { PermanentDeliveryError, type OutboxJob } from '../../outbox/senders.js';

export interface OutboundFile {
  row: AttachmentRow;
  /** where the bytes are in the attachment store */
  path: string;
}

export interface OutboundReply {
  message: MessageRow;
  ticket: TicketRow;
  files: OutboundFile[];
  /** meta of the newest customer message on this channel: who and where to answer */
  lastInbound: Record<string, unknown> | null;
}

/**
 * What a webhook channel's sender needs to deliver an agent's reply: the message, its ticket,
 * its files, and what the customer's last message on the channel said about where to answer.
 * A job without a message can never be sent: a permanent failure.
 */
export async function loadOutboundReply(ctx: AppContext, job: OutboxJob): Promise<OutboundReply> {
  if (job.messageId === null) throw new PermanentDeliveryError(`${job.kind} delivery without a message`);
  const message = await findMessage(ctx.db, job.messageId);
  if (!message) throw new PermanentDeliveryError('the message was deleted before it could be sent');
  const ticket = await findTicket(ctx.db, message.ticket_id);
  if (!ticket) throw new PermanentDeliveryError('the ticket was deleted before the message could be sent');
  const rows = (await attachmentsOfMessages(ctx.db, [message.id])).get(message.id) ?? [];
  const inbound = await ctx.db
    .selectFrom('messages')
    .select('meta')
    .where('ticket_id', '=', ticket.id)
    .where('kind', '=', 'inbound')
    .where('channel_kind', '=', message.channel_kind)
    .where('channel_name', '=', message.channel_name)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    message,
    ticket,
    files: rows.map((row) => ({ row, path: attachmentPath(ctx.paths.attachments, row.sha256) })),
    lastInbound: inbound ? parseJsonObject(inbound.meta) : null,
  };
}
