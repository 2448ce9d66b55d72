import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { MessageKind, MessagesTable, TicketsTable } from './tables.js';

export type TicketRow = Selectable<TicketsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type TicketChanges = Updateable<TicketsTable>;

export const findTicket = (db: DbOrTx, id: number): Promise<TicketRow | undefined> =>
  db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();

export const findTicketByNumber = (db: DbOrTx, number: number): Promise<TicketRow | undefined> =>
  db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst();

/** The newest ticket of a channel-native conversation. */
export const findTicketByThreadKey = (
  db: DbOrTx,
  channel: { kind: string; name: string },
  key: string,
): Promise<TicketRow | undefined> =>
  db
    .selectFrom('tickets')
    .selectAll()
    .where('channel_kind', '=', channel.kind)
    .where('channel_name', '=', channel.name)
    .where('thread_key', '=', key)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();

/** Safe inside a transaction: SQLite serialises writers, so no two tickets get one number. */
export async function nextTicketNumber(db: DbOrTx): Promise<number> {
  const row = await db
    .selectFrom('tickets')
    .select((eb) => eb.fn.max('number').as('n'))
    .executeTakeFirst();
  return Math.max(Number(row?.n ?? 0), 1000) + 1;
}

/** What differs between new tickets; everything else starts the same (open, normal, no activity yet). */
export type NewTicket = Pick<Insertable<TicketsTable>, 'subject' | 'channel_kind' | 'channel_name' | 'contact_id'> &
  Partial<Pick<Insertable<TicketsTable>, 'thread_key' | 'assignee_id'>> & {
    at: number;
    /** The message the ticket is opened for, summarised in the row from the start (see appendMessage). */
    first?: { preview: string; kind: MessageKind; at: number } | undefined;
  };

export async function insertTicket(db: DbOrTx, ticket: NewTicket): Promise<TicketRow> {
  const number = await nextTicketNumber(db);
  const { at, first, ...fields } = ticket;
  return db
    .insertInto('tickets')
    .values({
      thread_key: null,
      assignee_id: null,
      ...fields,
      number,
      status: 'open',
      snoozed_until: null,
      priority: 'normal',
      team_id: null,
      created_at: at,
      updated_at: at,
      last_activity_at: Math.max(at, first?.at ?? at),
      first_response_at: null,
      resolved_at: null,
      merged_into_id: null,
      message_count: first ? 1 : 0,
      last_message_preview: first?.preview ?? null,
      last_message_kind: first?.kind ?? null,
      last_message_at: first?.at ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The ticket row as a write just left it. Updates read their row back with this rather than with
 * RETURNING: SQLite runs an UPDATE ... RETURNING in two passes, which made the per-message ticket
 * update ~50 µs (a third) slower than the update followed by this lookup.
 */
export async function reloadTicket(db: DbOrTx, id: number): Promise<TicketRow> {
  const row = await findTicket(db, id);
  if (!row) throw new Error(`ticket ${id} vanished while being updated`);
  return row;
}

export async function updateTicketRow(db: DbOrTx, id: number, changes: TicketChanges): Promise<TicketRow> {
  await db.updateTable('tickets').set(changes).where('id', '=', id).execute();
  return reloadTicket(db, id);
}

export async function insertMessage(db: DbOrTx, values: Insertable<MessagesTable>): Promise<MessageRow> {
  return db.insertInto('messages').values(values).returningAll().executeTakeFirstOrThrow();
}

export const findMessage = (db: DbOrTx, id: number): Promise<MessageRow | undefined> =>
  db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();

export const findMessageByIdempotencyKey = (
  db: DbOrTx,
  channel: { kind: string; name: string },
  key: string,
): Promise<MessageRow | undefined> =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('channel_kind', '=', channel.kind)
    .where('channel_name', '=', channel.name)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();

/** A page of a ticket's timeline, oldest first, after the message id `afterId`. */
export const messagesOfTicket = (db: DbOrTx, ticketId: number, afterId: number, limit: number): Promise<MessageRow[]> =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();

/** The newest `limit` messages, returned oldest first. */
export async function latestMessagesOfTicket(db: DbOrTx, ticketId: number, limit: number): Promise<MessageRow[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('ticket_id', '=', ticketId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

export async function labelNamesOf(db: DbOrTx, ticketIds: number[]): Promise<Map<number, string[]>> {
  const byTicket = new Map<number, string[]>();
  if (ticketIds.length === 0) return byTicket;
  const rows = await db
    .selectFrom('ticket_labels')
    .innerJoin('labels', 'labels.id', 'ticket_labels.label_id')
    .select(['ticket_labels.ticket_id', 'labels.name'])
    .where('ticket_labels.ticket_id', 'in', ticketIds)
    .orderBy('labels.name')
    .execute();
  for (const r of rows) {
    const list = byTicket.get(r.ticket_id) ?? [];
    list.push(r.name);
    byTicket.set(r.ticket_id, list);
  }
  return byTicket;
}

export async function readTimesOf(db: DbOrTx, agentId: number, ticketIds: number[]): Promise<Map<number, number>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('ticket_reads')
    .select(['ticket_id', 'read_at'])
    .where('agent_id', '=', agentId)
    .where('ticket_id', 'in', ticketIds)
    .execute();
  return new Map(rows.map((r) => [r.ticket_id, r.read_at]));
}

export async function markRead(db: DbOrTx, agentId: number, ticketId: number, at: number): Promise<void> {
  await db
    .insertInto('ticket_reads')
    .values({ agent_id: agentId, ticket_id: ticketId, read_at: at })
    .onConflict((oc) => oc.columns(['agent_id', 'ticket_id']).doUpdateSet({ read_at: at }))
    .execute();
}
