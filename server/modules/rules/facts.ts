import type { DbOrTx } from '../../db/database.js';
import { findContact } from '../contacts/queries.js';
import { parseJsonObject } from '../tickets/json.js';
import { findTicket, labelNamesOf, type TicketRow } from '../tickets/queries.js';
import type { MessageView, TicketView } from '../tickets/schemas.js';
import type { TicketFacts } from './conditions.js';

/** The message that woke the rules, when an event carries one. */
export interface Trigger {
  messageId?: number | undefined;
  changed?: string[] | undefined;
}

export const AUTHOR_BY_KIND: Record<string, TicketFacts['lastMessageBy']> = {
  inbound: 'contact',
  outbound: 'agent',
  note: 'agent',
  system: 'system',
  bot: 'system',
};

/** The message a condition on `body` reads: the trigger's, else the ticket's latest from the customer. */
async function bodyMessage(db: DbOrTx, ticketId: number, messageId: number | undefined) {
  let q = db.selectFrom('messages').select(['text', 'meta']).where('ticket_id', '=', ticketId);
  q = messageId !== undefined ? q.where('id', '=', messageId) : q.where('kind', '=', 'inbound').orderBy('id', 'desc').limit(1);
  return q.executeTakeFirst();
}

export interface LoadedFacts {
  ticket: TicketRow;
  facts: TicketFacts;
  /** the body message's meta said it was itself an automatic reply: never answer it */
  autoSubmitted: boolean;
}

export async function loadFacts(db: DbOrTx, ticketId: number, trigger: Trigger): Promise<LoadedFacts | null> {
  const ticket = await findTicket(db, ticketId);
  if (!ticket || ticket.merged_into_id !== null) return null;
  const [labels, contact, message] = await Promise.all([
    labelNamesOf(db, [ticketId]).then((m) => m.get(ticketId) ?? []),
    findContact(db, ticket.contact_id),
    bodyMessage(db, ticketId, trigger.messageId),
  ]);
  const meta = parseJsonObject(message?.meta ?? null);
  return {
    ticket,
    autoSubmitted: Boolean(meta.autoReply),
    facts: {
      channel: ticket.channel_kind,
      channelName: ticket.channel_name,
      teamId: ticket.team_id,
      status: ticket.status,
      priority: ticket.priority,
      labels,
      assigneeId: ticket.assignee_id,
      subject: ticket.subject,
      body: message?.text ?? '',
      senderEmail: contact?.email ?? null,
      language: contact?.language ?? null,
      contactAttributes: parseJsonObject(contact?.attributes ?? null),
      customFields: parseJsonObject(ticket.custom_fields),
      createdAt: ticket.created_at,
      lastActivityAt: ticket.last_activity_at,
      lastMessageBy: ticket.last_message_kind ? (AUTHOR_BY_KIND[ticket.last_message_kind] ?? null) : null,
      changed: trigger.changed ?? [],
    },
  };
}

const LAST_BY: Record<string, TicketFacts['lastMessageBy']> = AUTHOR_BY_KIND;

/**
 * Facts from an event's own ticket (and message) view, read from no table: enough for every
 * condition but the contact's language and attributes, and the body when the event has no message.
 * Most events match no rule, and this keeps them from costing intake a single query.
 */
export function factsFromView(view: TicketView, message: MessageView | undefined, changed: string[]): TicketFacts {
  return {
    channel: view.channel.kind,
    channelName: view.channel.name,
    teamId: view.team?.id ?? null,
    status: view.status,
    priority: view.priority,
    labels: view.labels,
    assigneeId: view.assignee?.id ?? null,
    subject: view.subject,
    body: message?.text ?? '',
    senderEmail: view.contact.email,
    language: null,
    contactAttributes: {},
    customFields: view.customFields,
    createdAt: Date.parse(view.createdAt),
    lastActivityAt: Date.parse(view.lastActivityAt),
    lastMessageBy: view.lastMessage ? (LAST_BY[view.lastMessage.kind] ?? null) : null,
    changed,
  };
}
