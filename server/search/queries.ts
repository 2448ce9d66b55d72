import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { ContactRow } from '../modules/contacts/queries.js';
import { inScope, type TicketAccess } from '../modules/tickets/policy.js';
import type { TicketRow } from '../modules/tickets/queries.js';
import { matchExpression, parseQuery } from './tokenize.js';

/**
 * How many of the newest matches are ranked. bm25 over every match of a common word ("订单",
 * "order") would touch most of the index; the newest few hundred, walked backwards through
 * the index, are what a support agent is looking for, and keep a search at 1M messages to a
 * few milliseconds of CPU (2,000 cost three to four times as much; see tests/bench).
 */
export const RANK_WINDOW = 300;

/** Messages the list filter (GET /tickets?q=) looks at: the newest matches, as for ranking. */
export const FILTER_WINDOW = 5000;

export interface MessageHit {
  messageId: number;
  ticketId: number;
  ticketNumber: number;
  ticketSubject: string;
  text: string;
  createdAt: number;
  score: number;
}

export async function searchMessages(db: DbOrTx, match: string, access: TicketAccess, limit: number): Promise<MessageHit[]> {
  const window = db
    .selectFrom('search.search_messages')
    .innerJoin('messages', 'messages.id', 'search.search_messages.rowid')
    .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
    .select(['messages.id as message_id', sql<number>`bm25(search_messages)`.as('score')])
    .where(sql<SqlBool>`search_messages match ${match}`)
    .where((eb) => inScope(eb, access))
    .orderBy('search.search_messages.rowid', 'desc')
    .limit(RANK_WINDOW);
  const rows = await db
    .selectFrom(window.as('w'))
    .innerJoin('messages', 'messages.id', 'w.message_id')
    .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
    .select([
      'messages.id',
      'messages.ticket_id',
      'messages.text',
      'messages.created_at',
      'tickets.number',
      'tickets.subject',
      'w.score',
    ])
    .orderBy('w.score')
    .orderBy('messages.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    messageId: r.id,
    ticketId: r.ticket_id,
    ticketNumber: r.number,
    ticketSubject: r.subject,
    text: r.text,
    createdAt: r.created_at,
    score: r.score,
  }));
}

export async function searchTickets(db: DbOrTx, match: string, access: TicketAccess, limit: number): Promise<TicketRow[]> {
  const window = db
    .selectFrom('search.search_tickets')
    .innerJoin('tickets', 'tickets.id', 'search.search_tickets.rowid')
    .select(['tickets.id as ticket_id', sql<number>`bm25(search_tickets)`.as('score')])
    .where(sql<SqlBool>`search_tickets match ${match}`)
    .where((eb) => inScope(eb, access))
    .orderBy('search.search_tickets.rowid', 'desc')
    .limit(RANK_WINDOW);
  return db
    .selectFrom(window.as('w'))
    .innerJoin('tickets', 'tickets.id', 'w.ticket_id')
    .selectAll('tickets')
    .orderBy('w.score')
    .orderBy('tickets.last_activity_at', 'desc')
    .limit(limit)
    .execute();
}

export async function searchContacts(db: DbOrTx, match: string, limit: number): Promise<ContactRow[]> {
  const window = db
    .selectFrom('search.search_contacts')
    .select(['search.search_contacts.rowid as contact_id', sql<number>`bm25(search_contacts)`.as('score')])
    .where(sql<SqlBool>`search_contacts match ${match}`)
    .orderBy('search.search_contacts.rowid', 'desc')
    .limit(RANK_WINDOW);
  return db
    .selectFrom(window.as('w'))
    .innerJoin('contacts', 'contacts.id', 'w.contact_id')
    .selectAll('contacts')
    .orderBy('w.score')
    .orderBy('contacts.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * A WHERE condition on `tickets.id` for tickets whose subject or number matches q, or that hold
 * one of the newest FILTER_WINDOW matching messages (GET /tickets?q=). Null when q has nothing
 * searchable in it.
 */
export function ticketSearchCondition(q: string): RawBuilder<SqlBool> | null {
  const match = matchExpression(parseQuery(q));
  if (match === null) return null;
  return sql<SqlBool>`(tickets.id in (select rowid from search.search_tickets where search_tickets match ${match})
    or tickets.id in (select ticket_id from messages where id in
      (select rowid from search.search_messages where search_messages match ${match} order by rowid desc limit ${FILTER_WINDOW})))`;
}

/** The same as ticketSearchCondition, for `contacts.id` (GET /contacts?q=). */
export function contactSearchCondition(q: string): RawBuilder<SqlBool> | null {
  const match = matchExpression(parseQuery(q));
  if (match === null) return null;
  return sql<SqlBool>`contacts.id in (select rowid from search.search_contacts where search_contacts match ${match})`;
}

/** Ids of every ticket matching q, newest first (for callers that cannot take a condition). */
export async function ticketIdsMatching(db: DbOrTx, q: string, limit = 10_000): Promise<number[]> {
  const condition = ticketSearchCondition(q);
  if (!condition) return [];
  const rows = await db.selectFrom('tickets').select('id').where(condition).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => r.id);
}
