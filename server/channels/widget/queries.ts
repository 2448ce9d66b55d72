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

export const openConversation = (db: DbOrTx, visitorId: string): Promise<ConversationRow | undefined> =>
  db
    .selectFrom('widget_conversations')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .where('status', '=', 'open')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();

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

export async function insertConversation(db: DbOrTx, row: ConversationRow): Promise<void> {
  await db.insertInto('widget_conversations').values(row).execute();
}

export async function updateConversation(
  db: DbOrTx,
  id: string,
  changes: Partial<Omit<ConversationRow, 'id' | 'visitor_id' | 'channel' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('widget_conversations').set(changes).where('id', '=', id).execute();
}

export const messageByClientId = (db: DbOrTx, visitorId: string, clientId: string): Promise<WidgetMessageRow | undefined> =>
  db
    .selectFrom('widget_messages')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();

export const messageByTicketMessageId = (db: DbOrTx, ticketMessageId: number): Promise<WidgetMessageRow | undefined> =>
  db.selectFrom('widget_messages').selectAll().where('ticket_message_id', '=', ticketMessageId).executeTakeFirst();

export async function insertWidgetMessage(
  db: DbOrTx,
  row: Omit<WidgetMessageRow, 'id'>,
): Promise<WidgetMessageRow> {
  const inserted = await db.insertInto('widget_messages').values(row).returningAll().executeTakeFirstOrThrow();
  return inserted;
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
