import { now } from '../../db/database.js';
import { BadRequest, Conflict, Forbidden, NotFound } from '../../http/errors.js';
import { csatReceived } from '../../modules/csat/ratings.js';
import { recordChatEvent } from '../../modules/tickets/chat-events.js';
import { findTicket } from '../../modules/tickets/queries.js';
import type { WidgetChannelConfig } from './config-schema.js';
import type { WidgetConversationView } from './protocol.js';
import { localTextFor } from './local-text.js';
import { conversationMessages, findConversation, updateConversation, type VisitorRow, type WidgetMessageRow } from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { conversationView } from './session-service.js';
import { isAnyUniqueViolation } from '../../db/unique-violation.js';

async function ownConversation(rt: WidgetRuntime, visitor: VisitorRow, id: string) {
  const row = await findConversation(rt.ctx.db, visitor.id, id);
  // Another visitor's chat looks exactly like a chat that does not exist.
  if (!row) throw new NotFound('conversation');
  return row;
}

export async function endChat(rt: WidgetRuntime, visitor: VisitorRow, conversationId: string): Promise<WidgetConversationView> {
  const row = await ownConversation(rt, visitor, conversationId);
  if (row.status === 'open') {
    const at = now();
    await updateConversation(rt.ctx.db, row.id, { status: 'ended', ended_at: at });
    row.status = 'ended';
    row.ended_at = at;
    // The agents see the visitor leave on the ticket; a chat that never got a message has no ticket.
    if (row.ticket_id !== null) await recordChatEvent(rt.ctx, row.ticket_id, { kind: 'ended', conversationId: row.id });
  }
  const view = await conversationView(rt, row);
  rt.hub.send(visitor.id, { type: 'conversation', conversation: view });
  return view;
}

/** CSAT for the chat's ticket: once per chat, 1–5 with an optional comment. */
export async function rateChat(
  rt: WidgetRuntime,
  visitor: VisitorRow,
  conversationId: string,
  input: { score: number; comment?: string | undefined },
): Promise<WidgetConversationView> {
  const row = await ownConversation(rt, visitor, conversationId);
  if (row.ticket_id === null) throw new BadRequest('There is nothing to rate yet.', undefined, 'nothing_to_rate');
  const ticketId = row.ticket_id;
  const comment = input.comment?.trim() || null;
  const ratedAt = now();
  try {
    await rt.ctx.db
      .insertInto('csat_ratings')
      .values({ ticket_id: ticketId, conversation_id: row.id, score: input.score, comment, created_at: ratedAt, source: 'widget', scale: '1-5', contact_id: visitor.contact_id })
      .execute();
  } catch (err) {
    if (isAnyUniqueViolation(err)) throw new Conflict('This chat was already rated.', 'already_rated');
    throw err;
  }
  rt.ctx.logger.info({ ticketId, score: input.score }, 'chat rated');
  await recordChatEvent(rt.ctx, ticketId, { kind: 'rated', conversationId: row.id, score: input.score, comment });
  const ticket = await findTicket(rt.ctx.db, ticketId);
  if (ticket) rt.ctx.bus.emit(csatReceived(ticket, { score: input.score, scale: '1-5', comment, source: 'widget', at: ratedAt, contactId: visitor.contact_id }));
  return conversationView(rt, row);
}

/**
 * Mails the chat to the visitor, from the support mailbox. Its text is whatever the visitor wrote, so it
 * goes only to an address identify() proved, once per chat, within per-IP and per-channel budgets:
 * never to an address someone typed, or the widget would mail attacker-written text anywhere.
 */
export async function emailTranscript(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  conversationId: string,
  request: { email?: string | undefined; ip: string },
): Promise<void> {
  const row = await ownConversation(rt, visitor, conversationId);
  const send = rt.deps.sendEmail;
  if (!ch.email_channel || !send) throw new BadRequest('Transcripts by email are not available.', undefined, 'transcript_unavailable');
  const to = visitor.email_verified === 1 && visitor.external_id !== null ? visitor.email : null;
  if (!to || (request.email !== undefined && request.email.toLowerCase() !== to)) {
    throw new Forbidden('Transcripts go only to a verified email address.', 'transcript_address_unverified');
  }
  if (row.transcript_sent_at !== null) throw new Conflict('The transcript of this chat was already sent.', 'transcript_already_sent');
  await rt.limit(ch, 'ipTranscripts', request.ip);
  await rt.limit(ch, 'channelTranscripts', ch.name);
  const claimed = await rt.ctx.db
    .updateTable('widget_conversations')
    .set({ transcript_sent_at: now() })
    .where('id', '=', row.id)
    .where('transcript_sent_at', 'is', null)
    .executeTakeFirst();
  // A second request racing this one lost: still once per chat.
  if (Number(claimed.numUpdatedRows) === 0) throw new Conflict('The transcript of this chat was already sent.', 'transcript_already_sent');
  const messages = await conversationMessages(rt.ctx.db, row.id);
  await send({
    channel: ch.email_channel,
    to,
    subject: `${localTextFor(ch.title, visitor.language, 'Chat')} transcript`,
    text: messages.map(transcriptLine).join('\n\n'),
    ticketId: row.ticket_id ?? undefined,
  });
}

function transcriptLine(m: WidgetMessageRow): string {
  const who = m.author_kind === 'visitor' ? (m.author_name ?? 'You') : (m.author_name ?? 'Support');
  const files = (JSON.parse(m.attachments) as Array<{ name: string }>).map((a) => `[${a.name}]`).join(' ');
  return `[${new Date(m.created_at).toISOString().slice(0, 16).replace('T', ' ')} UTC] ${who}: ${m.text}${files ? ` ${files}` : ''}`;
}
