import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { PLAN_EACH_RUN } from '../db/postgres-statement-cache.js';
import { inScope } from '../modules/tickets/policy.js';
import { filterCondition } from './filters.js';
import { postgresContactSearchCondition, postgresTicketSearchCondition } from './postgres-index.js';
import { queryText } from './postgres-terms.js';
import { RANK_WINDOW } from './queries.js';
import type { TicketTextQueries, WindowScope } from './text-queries.js';
import type { QueryTerm } from './tokenize.js';

const tsquery = (terms: readonly QueryTerm[]): RawBuilder<unknown> => sql`${queryText(terms) ?? ''}::tsquery`;
const matches = (terms: readonly QueryTerm[]): RawBuilder<SqlBool> => sql<SqlBool>`search_documents.terms @@ ${tsquery(terms)}`;
/**
 * The match score, negative and lower for better as bm25's is: ts_rank with the document length
 * normalised (bm25 too favours short documents). It orders the same hits differently from bm25
 * where two hits are close, which the search's ranking (rank.ts) weighs only at 0.75 of a point.
 */
const score = (terms: readonly QueryTerm[]): RawBuilder<number> => sql<number>`-ts_rank(search_documents.terms, ${tsquery(terms)}, 1)`;
/**
 * The newest matches of a word are found best by walking the newest documents when it is common
 * and through the GIN index when it is rare: only a plan made with the query's terms in hand can
 * tell which (server/db/postgres-statement-cache.ts).
 */
const planEachRun = sql.raw(PLAN_EACH_RUN);
/** As a literal, so that a kept statement's plan can use the kind's own GIN index (migration 0038). */
const ofKind = (kind: 'messages' | 'tickets' | 'contacts'): RawBuilder<SqlBool> => sql<SqlBool>`search_documents.kind = ${sql.lit(kind)}`;

/** The search endpoints' index lookups in search_documents, through its GIN index. */
export const postgresTicketQueries: TicketTextQueries = {
  async messageWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    return db
      .selectFrom('search_documents')
      .innerJoin('messages', 'messages.id', 'search_documents.row_id')
      .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
      .modifyFront(planEachRun)
      .select(['messages.id as rowid', 'messages.ticket_id as ticket_id', score(s.terms).as('score')])
      .where(ofKind('messages'))
      .where(matches(s.terms))
      .$if(below !== null, (qb) => qb.where('search_documents.row_id', '<', below!))
      .where((eb) => inScope(eb, s.access))
      .where((eb) => filterCondition(eb, s.filters, s.viewerId))
      .orderBy('search_documents.row_id', 'desc')
      .limit(window)
      .execute();
  },

  async subjectWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    return db
      .selectFrom('search_documents')
      .innerJoin('tickets', 'tickets.id', 'search_documents.row_id')
      .modifyFront(planEachRun)
      .select(['tickets.id as ticket_id', score(s.terms).as('score')])
      .where(ofKind('tickets'))
      .where(matches(s.terms))
      .$if(below !== null, (qb) => qb.where('search_documents.row_id', '<', below!))
      .where((eb) => inScope(eb, s.access))
      .where((eb) => filterCondition(eb, s.filters, s.viewerId))
      .orderBy('search_documents.row_id', 'desc')
      .limit(window)
      .execute();
  },

  async ticketsMatchedFrom(db: DbOrTx, terms: readonly QueryTerm[], messagesFrom: number | null, ticketsFrom: number | null) {
    const seen = new Set<number>();
    if (messagesFrom !== null) {
      const rows = await db
        .selectFrom('search_documents')
        .innerJoin('messages', 'messages.id', 'search_documents.row_id')
        .modifyFront(planEachRun)
        .select('messages.ticket_id')
        .distinct()
        .where(ofKind('messages'))
        .where(matches(terms))
        .where('search_documents.row_id', '>=', messagesFrom)
        .execute();
      for (const r of rows) seen.add(r.ticket_id);
    }
    if (ticketsFrom !== null) {
      const rows = await db
        .selectFrom('search_documents')
        .modifyFront(planEachRun)
        .select('search_documents.row_id as id')
        .where(ofKind('tickets'))
        .where(matches(terms))
        .where('search_documents.row_id', '>=', ticketsFrom)
        .execute();
      for (const r of rows) seen.add(r.id);
    }
    return seen;
  },

  async contacts(db: DbOrTx, terms: readonly QueryTerm[], limit: number) {
    // Contacts match few at a time: every match is taken from the contacts' own GIN index, then
    // the newest are kept. Materialised, so the planner cannot turn it back into a newest-first
    // walk of every contact's document, which a generic plan did.
    return db
      .with(
        (cte) => cte('matched').materialized(),
        (qb) =>
          qb
            .selectFrom('search_documents')
            .select(['search_documents.row_id', 'search_documents.terms'])
            .where(ofKind('contacts'))
            .where(matches(terms)),
      )
      .with('w', (qb) =>
        qb
          .selectFrom('matched')
          .select(['matched.row_id as contact_id', sql<number>`-ts_rank(matched.terms, ${tsquery(terms)}, 1)`.as('score')])
          .orderBy('matched.row_id', 'desc')
          .limit(RANK_WINDOW),
      )
      .selectFrom('w')
      .innerJoin('contacts', 'contacts.id', 'w.contact_id')
      .selectAll('contacts')
      .orderBy('w.score')
      .orderBy('contacts.id', 'desc')
      .limit(limit)
      .execute();
  },

  ticketCondition: postgresTicketSearchCondition,
  contactCondition: postgresContactSearchCondition,
};
