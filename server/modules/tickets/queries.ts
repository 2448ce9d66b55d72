import { sql, type Compilable, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers, nextTicketNumber } from '../../db/dialect-sql.js';
import { prepared, type PreparedQuery } from '../../db/prepared.js';
import type { MessageKind, MessagesTable, TicketsTable } from './tables.js';

export type TicketRow = Selectable<TicketsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type TicketChanges = Updateable<TicketsTable>;

const ticketById = prepared((db: DbOrTx, p: { id: number }) => db.selectFrom('tickets').selectAll().where('id', '=', p.id));

export const findTicket = (db: DbOrTx, id: number): Promise<TicketRow | undefined> => ticketById.first(db, { id });

export const findTicketByNumber = (db: DbOrTx, number: number): Promise<TicketRow | undefined> =>
  db.selectFrom('tickets').selectAll().where('number', '=', number).executeTakeFirst();

const ticketByThreadKey = prepared((db: DbOrTx, p: { kind: string; name: string; key: string }) =>
  db
    .selectFrom('tickets')
    .selectAll()
    .where('channel_kind', '=', p.kind)
    .where('channel_name', '=', p.name)
    .where('thread_key', '=', p.key)
    .orderBy('id', 'desc')
    .limit(1),
);

/** The newest ticket of a channel-native conversation. */
export const findTicketByThreadKey = (
  db: DbOrTx,
  channel: { kind: string; name: string },
  key: string,
): Promise<TicketRow | undefined> => ticketByThreadKey.first(db, { kind: channel.kind, name: channel.name, key });

// The SQL differs by driver (a sequence on PostgreSQL): see nextTicketNumber in dialect-sql.ts.
const ticketNumber = prepared((db: DbOrTx, _p: Record<string, never>) => db.selectNoFrom(nextTicketNumber(db).as('n')));

/** What differs between new tickets; everything else starts the same (open, normal, no activity yet). */
export type NewTicket = Pick<Insertable<TicketsTable>, 'subject' | 'channel_kind' | 'channel_name' | 'contact_id'> &
  Partial<Pick<Insertable<TicketsTable>, 'thread_key' | 'assignee_id'>> & {
    at: number;
    /** The message the ticket is opened for, summarised in the row from the start (see appendMessage). */
    first?: { preview: string; kind: MessageKind; at: number } | undefined;
  };

const insertTicketRow = prepared(
  (
    db: DbOrTx,
    p: Pick<TicketRow, 'subject' | 'channel_kind' | 'channel_name' | 'contact_id' | 'thread_key' | 'assignee_id' | 'number'> &
      Pick<TicketRow, 'last_activity_at' | 'message_count' | 'last_message_preview' | 'last_message_kind' | 'last_message_at'> &
      Pick<TicketRow, 'awaiting_since'> & {
        at: number;
      },
  ) =>
    db
      .insertInto('tickets')
      .values({
        subject: p.subject,
        channel_kind: p.channel_kind,
        channel_name: p.channel_name,
        contact_id: p.contact_id,
        thread_key: p.thread_key,
        assignee_id: p.assignee_id,
        number: p.number,
        status: 'open',
        snoozed_until: null,
        priority: 'normal',
        team_id: null,
        created_at: p.at,
        updated_at: p.at,
        last_activity_at: p.last_activity_at,
        first_response_at: null,
        resolved_at: null,
        merged_into_id: null,
        message_count: p.message_count,
        last_message_preview: p.last_message_preview,
        last_message_kind: p.last_message_kind,
        last_message_at: p.last_message_at,
        awaiting_since: p.awaiting_since,
      })
      .returningAll(),
);

export async function insertTicket(db: DbOrTx, ticket: NewTicket): Promise<TicketRow> {
  const { at, first } = ticket;
  return insertTicketRow.one(db, {
    subject: ticket.subject ?? '', // the column's default
    channel_kind: ticket.channel_kind,
    channel_name: ticket.channel_name,
    contact_id: ticket.contact_id,
    thread_key: ticket.thread_key ?? null,
    assignee_id: ticket.assignee_id ?? null,
    number: Number((await ticketNumber.one(db, {})).n),
    at,
    last_activity_at: Math.max(at, first?.at ?? at),
    message_count: first ? 1 : 0,
    last_message_preview: first?.preview ?? null,
    last_message_kind: first?.kind ?? null,
    last_message_at: first?.at ?? null,
    // A customer's first message starts the wait an agent's first reply ends (see metrics.ts).
    awaiting_since: first?.kind === 'inbound' ? first.at : null,
  });
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

/** Every column but the id: the statement has one shape (JSON columns as their text). */
export type NewMessageRow = Omit<MessageRow, 'id'>;

const insertMessageRow = prepared((db: DbOrTx, p: NewMessageRow) =>
  db
    .insertInto('messages')
    .values({
      ticket_id: p.ticket_id,
      kind: p.kind,
      author_kind: p.author_kind,
      author_id: p.author_id,
      author_name: p.author_name,
      text: p.text,
      html: p.html,
      channel_kind: p.channel_kind,
      channel_name: p.channel_name,
      idempotency_key: p.idempotency_key,
      delivery_status: p.delivery_status,
      delivery_error: p.delivery_error,
      delivery_updated_at: p.delivery_updated_at,
      mentions: p.mentions,
      meta: p.meta,
      created_at: p.created_at,
    })
    .returningAll(),
);

export const insertMessage = (db: DbOrTx, values: NewMessageRow): Promise<MessageRow> => insertMessageRow.one(db, values);

export const findMessage = (db: DbOrTx, id: number): Promise<MessageRow | undefined> =>
  db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();

const messageByIdempotencyKey = prepared((db: DbOrTx, p: { kind: string; name: string; key: string }) =>
  db
    .selectFrom('messages')
    .selectAll()
    .where('channel_kind', '=', p.kind)
    .where('channel_name', '=', p.name)
    .where('idempotency_key', '=', p.key),
);

export const findMessageByIdempotencyKey = (
  db: DbOrTx,
  channel: { kind: string; name: string },
  key: string,
): Promise<MessageRow | undefined> => messageByIdempotencyKey.first(db, { kind: channel.kind, name: channel.name, key });

/**
 * One prepared statement per page size, the limit written into its SQL (see LiteralLimitsPlugin:
 * a bound limit makes SQLite prepare the statement again on every run). Page sizes are few.
 */
function perLimit<P>(build: (db: DbOrTx, p: P, limit: number) => Compilable<MessageRow>): (limit: number) => PreparedQuery<DbOrTx, P, MessageRow> {
  const byLimit = new Map<number, PreparedQuery<DbOrTx, P, MessageRow>>();
  return (limit) => {
    let query = byLimit.get(limit);
    if (!query) {
      query = prepared((db: DbOrTx, p: P) => build(db, p, limit));
      if (byLimit.size >= 200) byLimit.clear();
      byLimit.set(limit, query);
    }
    return query;
  };
}

const messagesAfter = perLimit((db, p: { ticketId: number; afterId: number }, limit) =>
  db.selectFrom('messages').selectAll().where('ticket_id', '=', p.ticketId).where('id', '>', p.afterId).orderBy('id').limit(limit),
);

/** A page of a ticket's timeline, oldest first, after the message id `afterId`. */
export const messagesOfTicket = (db: DbOrTx, ticketId: number, afterId: number, limit: number): Promise<MessageRow[]> =>
  messagesAfter(limit).all(db, { ticketId, afterId });

/** Label names with the ticket they are on, alphabetical; the caller says which tickets. */
const labelRows = (db: DbOrTx) =>
  db
    .selectFrom('ticket_labels')
    .innerJoin('labels', 'labels.id', 'ticket_labels.label_id')
    .select(['ticket_labels.ticket_id', 'labels.name'])
    .orderBy('labels.name');

const labelsOfOneTicket = prepared((db: DbOrTx, p: { ticketId: number }) => labelRows(db).where('ticket_labels.ticket_id', '=', p.ticketId));

export async function labelNamesOf(db: DbOrTx, ticketIds: number[]): Promise<Map<number, string[]>> {
  const byTicket = new Map<number, string[]>();
  if (ticketIds.length === 0) return byTicket;
  // One ticket (every message's event) is the common case: a statement that is prepared already.
  const rows =
    ticketIds.length === 1
      ? await labelsOfOneTicket.all(db, { ticketId: ticketIds[0] as number })
      : await labelRows(db).where('ticket_labels.ticket_id', 'in', ticketIds).execute();
  for (const r of rows) {
    const list = byTicket.get(r.ticket_id) ?? [];
    list.push(r.name);
    byTicket.set(r.ticket_id, list);
  }
  return byTicket;
}

const readTimes = prepared((db: DbOrTx, p: { agentId: number; ids: string }) =>
  db
    .selectFrom('ticket_reads')
    .select(['ticket_id', 'read_at'])
    .where('agent_id', '=', p.agentId)
    .where(inJsonIntegers(db, sql`ticket_id`, p.ids)),
);

export async function readTimesOf(db: DbOrTx, agentId: number, ticketIds: number[]): Promise<Map<number, number>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await readTimes.all(db, { agentId, ids: JSON.stringify(ticketIds) });
  return new Map(rows.map((r) => [r.ticket_id, r.read_at]));
}

const upsertRead = prepared((db: DbOrTx, p: { agentId: number; ticketId: number; at: number }) =>
  db
    .insertInto('ticket_reads')
    .values({ agent_id: p.agentId, ticket_id: p.ticketId, read_at: p.at })
    .onConflict((oc) => oc.columns(['agent_id', 'ticket_id']).doUpdateSet({ read_at: p.at })),
);

export async function markRead(db: DbOrTx, agentId: number, ticketId: number, at: number): Promise<void> {
  await upsertRead.execute(db, { agentId, ticketId, at });
}
