import { now } from '../../db/database.js';
import { messageAttachments } from './message-service.js';
import { presentMessage } from './presenter.js';
import type { ServerFrame } from './protocol.js';
import { conversationView } from './session-service.js';
import {
  conversationForTicket,
  findVisitor,
  insertWidgetMessage,
  messageByTicketMessageId,
  updateConversation,
  type ConversationRow,
  type WidgetMessageRow,
} from './queries.js';
import type { WidgetRuntime } from './runtime.js';

export type DeliveryOutcome = 'pushed' | 'stored' | 'skipped';

/**
 * Hands an agent's reply on a widget ticket to the visitor: kept with the visitor's history (so the next
 * visit shows it) and pushed to every tab they have open. Safe to retry: a message is stored once.
 */
export async function deliverAgentMessage(rt: WidgetRuntime, ticketMessageId: number): Promise<DeliveryOutcome> {
  const db = rt.ctx.db;
  const message = await db
    .selectFrom('messages')
    .leftJoin('agents', 'agents.id', 'messages.author_id')
    .select([
      'messages.id',
      'messages.ticket_id',
      'messages.kind',
      'messages.author_kind',
      'messages.author_name',
      'messages.text',
      'messages.created_at',
      'messages.meta',
      'agents.avatar_url',
    ])
    .where('messages.id', '=', ticketMessageId)
    .executeTakeFirst();
  // Internal notes and system lines never reach a visitor, whatever asked for their delivery.
  if (!message || (message.kind !== 'outbound' && message.kind !== 'bot')) return 'skipped';
  const conversation = await conversationForTicket(db, message.ticket_id);
  if (!conversation) {
    rt.ctx.logger.warn({ ticketId: message.ticket_id, messageId: message.id }, 'widget reply has no chat to go to');
    return 'skipped';
  }
  const visitor = await findVisitor(db, conversation.visitor_id);
  if (!visitor) return 'skipped';
  const channelName = conversation.channel;

  let row: WidgetMessageRow | undefined = await messageByTicketMessageId(db, message.id);
  if (!row) {
    const attachments = await messageAttachments(db, message.id);
    row = await insertWidgetMessage(db, {
      conversation_id: conversation.id,
      visitor_id: visitor.id,
      ticket_message_id: message.id,
      client_id: null,
      author_kind: message.author_kind === 'agent' || message.author_kind === 'bot' ? 'agent' : 'system',
      author_name: message.author_name,
      author_avatar: message.avatar_url ?? null,
      text: message.text,
      attachments: JSON.stringify(attachments),
      created_at: message.created_at || now(),
      bot: message.kind === 'bot' ? botMeta(message.meta) : null,
    });
  }
  const frames: ServerFrame[] = [{ type: 'message', message: presentMessage(rt.ctx.secret, channelName, row) }];
  const sent = rt.hub.send(visitor.id, frames[0]!);
  if (message.author_kind === 'agent') frames.push(await markReadByAgent(rt, conversation, visitor.id));
  // With several processes the visitor's tabs may be open on another one: they get the same frames.
  if (rt.ctx.peers) rt.ctx.bus.emit({ type: 'widget.frames', visitorId: visitor.id, frames, actor: { kind: 'system' } });
  if (sent > 0) return 'pushed';
  await emailOfflineVisitor(rt, channelName, visitor.email, conversation.offline === 1, message.text, message.ticket_id);
  return 'stored';
}

/** The answer bot keeps what it offered under `bot` in the message's meta; the widget draws it. */
function botMeta(meta: string): string {
  const parsed = JSON.parse(meta) as { bot?: unknown };
  return JSON.stringify(parsed.bot ?? { kind: 'answer', articles: [] });
}

/** A chat left while nobody was there gets its answer by email too, when an email channel is set up. */
async function emailOfflineVisitor(
  rt: WidgetRuntime,
  channelName: string,
  email: string | null,
  offline: boolean,
  text: string,
  ticketId: number,
): Promise<void> {
  const ch = rt.ctx.config.channels.widget.find((c) => c.name === channelName);
  if (!offline || !email || !ch?.email_channel || !rt.deps.sendEmail) return;
  await rt.deps.sendEmail({
    channel: ch.email_channel,
    to: email,
    subject: `Re: ${ch.title ?? 'your message'}`,
    text,
    ticketId,
  });
}

/** An agent who answers has read what the visitor wrote before: their widget shows it as read. */
async function markReadByAgent(rt: WidgetRuntime, conversation: ConversationRow, visitorId: string): Promise<ServerFrame> {
  const at = now();
  await updateConversation(rt.ctx.db, conversation.id, { agent_read_at: at });
  const frame: ServerFrame = { type: 'conversation', conversation: await conversationView(rt, { ...conversation, agent_read_at: at }) };
  rt.hub.send(visitorId, frame);
  return frame;
}
