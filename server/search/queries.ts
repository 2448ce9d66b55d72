import type { DbOrTx } from '../db/database.js';
import type { TicketTextQueries } from './text-queries.js';

/**
 * How many of the newest matches a search segment ranks (server/search/ticket-hits.ts). bm25
 * over every match of a common word ("订单", "order") would touch most of the index; the newest
 * few hundred, walked backwards through the index, keep a search at 1M messages to a few
 * milliseconds of CPU (2,000 cost three to four times as much; see tests/bench).
 */
export const RANK_WINDOW = 300;

/** Messages the list filter (GET /tickets?q=) looks at: the newest matches, as for ranking. */
export const FILTER_WINDOW = 5000;

/** Ids of every ticket matching q, newest first (for callers that cannot take a condition). */
export async function ticketIdsMatching(queries: TicketTextQueries, db: DbOrTx, q: string, limit = 10_000): Promise<number[]> {
  const condition = queries.ticketCondition(q);
  if (!condition) return [];
  const rows = await db.selectFrom('tickets').select('id').where(condition).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => r.id);
}
