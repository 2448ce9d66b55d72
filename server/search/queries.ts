import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { ContactRow } from '../modules/contacts/queries.js';
import { matchExpression, parseQuery } from './tokenize.js';

/**
 * How many of the newest matches a search segment ranks (server/search/ticket-hits.ts). bm25
 * over every match of a common word ("订单", "order") would touch most of the index; the newest
 * few hundred, walked backwards through the index, keep a search at 1M messages to a few
 * milliseconds of CPU (2,000 cost three to four times as much; see tests/bench).
 */
export const RANK_WINDOW = 300;

/** Messages the list filter (GET /tickets?q=) looks at: the newest matches, as for ranking. */
export const FILTER_WINDOW = 5000;

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
