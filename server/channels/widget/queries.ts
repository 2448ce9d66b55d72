import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';
import type { WidgetConversationsTable, WidgetMessagesTable, WidgetVisitorsTable } from './tables.js';

export type VisitorRow = Selectable<WidgetVisitorsTable>;
export type ConversationRow = Selectable<WidgetConversationsTable>;
export type WidgetMessageRow = Selectable<WidgetMessagesTable>;

export const findVisitor = (db: DbOrTx, id: string): Promise<VisitorRow | undefined> =>
  db.selectFrom('widget_visitors').selectAll().where('id', '=', id).executeTakeFirst();

export const findVisitorByExternalId = (db: DbOrTx, channel: string, externalId: string): Promise<VisitorRow | undefined> =>
  db
    .selectFrom('widget_visitors')
    .selectAll()
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .executeTakeFirst();

export async function insertVisitor(db: DbOrTx, row: VisitorRow): Promise<void> {
  await db.insertInto('widget_visitors').values(row).execute();
}

export async function updateVisitor(
  db: DbOrTx,
  id: string,
  changes: Partial<Omit<VisitorRow, 'id' | 'channel' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('widget_visitors').set(changes).where('id', '=', id).execute();
}

// The statements every visitor message runs are prepared once (see PreparedQuery): built with the
// query builder each time they cost more than SQLite takes to run them.
const openConversationRow = prepared((db: DbOrTx, p: { visitorId: string }) =>
  db
    .selectFrom('widget_conversations')
    .selectAll()
    .where('visitor_id', '=', p.visitorId)
    .where('status', '=', 'open')
    .orderBy('created_at', 'desc')
    .limit(1),
);

export const openConversation = (db: DbOrTx, visitorId: string): Promise<ConversationRow | undefined> =>
  openConversationRow.first(db, { visitorId });

export const findConversation = (db: DbOrTx, visitorId: string, id: string): Promise<ConversationRow | undefined> =>
  db
    .selectFrom('widget_conversations')
    .selectAll()
    .where('id', '=', id)
    .where('visitor_id', '=', visitorId)
    .executeTakeFirst();

// Asked each time an agent opens any ticket (to show the visitor it was read): compiled once.
const conversationOfTicket = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db.selectFrom('widget_conversations').selectAll().where('ticket_id', '=', p.ticketId).orderBy('created_at', 'desc').limit(1),
);

/** The chat a ticket came from: the latest one, when a ticket was continued by several chats. */
export const conversationForTicket = (db: DbOrTx, ticketId: number): Promise<ConversationRow | undefined> =>
  conversationOfTicket.first(db, { ticketId });

const insertConversationRow = prepared((db: DbOrTx, p: ConversationRow) =>
  db.insertInto('widget_conversations').values({
    id: p.id,
    visitor_id: p.visitor_id,
    channel: p.channel,
    ticket_id: p.ticket_id,
    status: p.status,
    offline: p.offline,
    visitor_read_at: p.visitor_read_at,
    agent_read_at: p.agent_read_at,
    created_at: p.created_at,
    ended_at: p.ended_at,
    last_message_at: p.last_message_at,
    transcript_sent_at: p.transcript_sent_at,
  }),
);

export async function insertConversation(db: DbOrTx, row: ConversationRow): Promise<void> {
  await insertConversationRow.execute(db, row);
}

const touchConversationRow = prepared((db: DbOrTx, p: { id: string; ticketId: number; at: number }) =>
  db.updateTable('widget_conversations').set({ ticket_id: p.ticketId, last_message_at: p.at }).where('id', '=', p.id),
);

/** A new message in an open chat: the ticket it went to and when. */
export async function touchConversation(db: DbOrTx, id: string, ticketId: number, at: number): Promise<void> {
  await touchConversationRow.execute(db, { id, ticketId, at });
}

export async function updateConversation(
  db: DbOrTx,
  id: string,
  changes: Partial<Omit<ConversationRow, 'id' | 'visitor_id' | 'channel' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('widget_conversations').set(changes).where('id', '=', id).execute();
}

const messageByClientIdRow = prepared((db: DbOrTx, p: { visitorId: string; clientId: string }) =>
  db.selectFrom('widget_messages').selectAll().where('visitor_id', '=', p.visitorId).where('client_id', '=', p.clientId).limit(1),
);

export const messageByClientId = (db: DbOrTx, visitorId: string, clientId: string): Promise<WidgetMessageRow | undefined> =>
  messageByClientIdRow.first(db, { visitorId, clientId });

export const messageByTicketMessageId = (db: DbOrTx, ticketMessageId: number): Promise<WidgetMessageRow | undefined> =>
  db.selectFrom('widget_messages').selectAll().where('ticket_message_id', '=', ticketMessageId).executeTakeFirst();

const insertWidgetMessageRow = prepared((db: DbOrTx, p: Omit<WidgetMessageRow, 'id'>) =>
  db
    .insertInto('widget_messages')
    .values({
      conversation_id: p.conversation_id,
      visitor_id: p.visitor_id,
      ticket_message_id: p.ticket_message_id,
      client_id: p.client_id,
      author_kind: p.author_kind,
      author_name: p.author_name,
      author_avatar: p.author_avatar,
      text: p.text,
      attachments: p.attachments,
      created_at: p.created_at,
      bot: p.bot,
    })
    .returningAll(),
);

export function insertWidgetMessage(db: DbOrTx, row: Omit<WidgetMessageRow, 'id'>): Promise<WidgetMessageRow> {
  return insertWidgetMessageRow.one(db, row);
}

/** Newest first up to `limit`, older than `beforeId` when given; always scoped to one visitor. */
export const visitorMessages = (
  db: DbOrTx,
  visitorId: string,
  opts: { beforeId?: number | undefined; limit: number },
): Promise<WidgetMessageRow[]> => {
  let q = db.selectFrom('widget_messages').selectAll().where('visitor_id', '=', visitorId);
  if (opts.beforeId !== undefined) q = q.where('id', '<', opts.beforeId);
  return q.orderBy('id', 'desc').limit(opts.limit).execute();
};

export const conversationMessages = (db: DbOrTx, conversationId: string): Promise<WidgetMessageRow[]> =>
  db.selectFrom('widget_messages').selectAll().where('conversation_id', '=', conversationId).orderBy('id').execute();
