import { now } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import type { AgentTyping, AgentViewing } from '../../realtime/events.js';
import type { BotAction } from './protocol.js';
import { conversationForTicket, openConversation, updateConversation } from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { conversationView } from './session-service.js';

async function ticketScope(rt: WidgetRuntime, visitorId: string) {
  const open = await openConversation(rt.ctx.db, visitorId);
  if (!open?.ticket_id) return null;
  const ticket = await rt.ctx.db
    .selectFrom('tickets')
    .select(['id', 'assignee_id', 'team_id', 'contact_id'])
    .where('id', '=', open.ticket_id)
    .executeTakeFirst();
  return ticket ? { ticket, conversation: open } : null;
}

/** Tells agents who may see the chat's ticket that the visitor is (no longer) typing. */
export async function emitVisitorTyping(rt: WidgetRuntime, visitorId: string, typing: boolean): Promise<void> {
  const found = await ticketScope(rt, visitorId);
  if (!found) return;
  const { ticket } = found;
  rt.ctx.bus.emit({
    type: 'widget.typing',
    ticketId: ticket.id,
    assigneeId: ticket.assignee_id,
    teamId: ticket.team_id,
    typing,
    actor: { kind: 'contact', id: ticket.contact_id },
  });
}

/** A visitor's answer bot button, passed on to the bot module; 404 without an open chat. */
export async function requestBot(rt: WidgetRuntime, visitorId: string, action: BotAction): Promise<void> {
  const found = await ticketScope(rt, visitorId);
  if (!found) throw new NotFound('conversation');
  rt.ctx.bus.emit({ type: 'widget.bot', ticketId: found.ticket.id, action, actor: { kind: 'contact', id: found.ticket.contact_id } });
}

export async function visitorRead(rt: WidgetRuntime, visitorId: string): Promise<void> {
  const found = await ticketScope(rt, visitorId);
  if (!found) return;
  const at = now();
  await updateConversation(rt.ctx.db, found.conversation.id, { visitor_read_at: at });
  const { ticket } = found;
  rt.ctx.bus.emit({
    type: 'widget.read',
    ticketId: ticket.id,
    assigneeId: ticket.assignee_id,
    teamId: ticket.team_id,
    at: new Date(at).toISOString(),
    actor: { kind: 'contact', id: ticket.contact_id },
  });
}

/** An agent composing a reply shows as typing in the visitor's widget; notes stay invisible. */
export async function relayAgentTyping(rt: WidgetRuntime, event: AgentTyping): Promise<void> {
  const conversation = await conversationForTicket(rt.ctx.db, event.ticketId);
  if (!conversation || conversation.status !== 'open') return;
  const typing = event.composing === 'reply';
  rt.hub.send(conversation.visitor_id, { type: 'typing', typing, name: typing ? event.agentName : null });
}

/** An agent opening the ticket reads the visitor's messages: their widget shows them as read. */
export async function relayAgentViewing(rt: WidgetRuntime, event: AgentViewing): Promise<void> {
  const conversation = await conversationForTicket(rt.ctx.db, event.ticketId);
  if (!conversation) return;
  const at = now();
  await updateConversation(rt.ctx.db, conversation.id, { agent_read_at: at });
  const view = await conversationView(rt, { ...conversation, agent_read_at: at });
  rt.hub.send(conversation.visitor_id, { type: 'conversation', conversation: view });
}
