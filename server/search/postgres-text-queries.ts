import { expressionBuilder, sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import type { Tables } from '../db/tables.js';
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

/**
 * How many of the newest documents of a kind a window looks through first, and how many at most
 * it walks when that look says the walk will fill the window. The planner's guess of how many
 * documents match is far off for several words and for Chinese phrases (47 estimated for
 * "coffee grinder", 9,664 found among a million messages), so it took the GIN index where
 * walking the newest would have been ~5× cheaper. The look counts the matches instead, and its
 * rate tells how far a walk must go to fill the window (~0.3 µs a document); past `walk` the
 * GIN index is read. Every path returns the same rows: the newest `window` matches below `below`.
 */
export interface WindowReads {
  look: number;
  walk: number;
}
const READS: WindowReads = { look: 2_000, walk: 64_000 };

/** A window's newest-first read of the newest `examined` documents of a kind, or of all through the index. */
type WindowRead<T> = (examined: number | null) => Promise<T[]>;

async function newestWindow<T>(reads: WindowReads, read: WindowRead<T>, window: number): Promise<T[]> {
  const looked = await read(reads.look);
  if (looked.length >= window) return looked;
  if (looked.length === 0) return read(null);
  // With a margin over the rate seen, so that a walk likely to fall short is not paid for; in
  // doublings of the look, so that a handful of statements are kept rather than one per length.
  const needed = (window * 1.25 * reads.look) / looked.length;
  if (needed <= reads.walk) {
    const walked = await read(Math.min(reads.walk, reads.look * 2 ** Math.ceil(Math.log2(needed / reads.look))));
    if (walked.length >= window) return walked;
  }
  return read(null);
}

/**
 * search_documents of a kind below `below`: the newest `examined` of them as a derived table under
 * the table's own name (the match is then tested on those alone), or the table itself.
 */
function documentsOf(db: DbOrTx, kind: 'messages' | 'tickets', below: number | null, examined: number | null) {
  if (examined === null) return db.selectFrom('search_documents');
  return db.selectFrom((qb) =>
    qb
      .selectFrom('search_documents')
      .select(['search_documents.kind', 'search_documents.row_id', 'search_documents.terms'])
      .where(ofKind(kind))
      .$if(below !== null, (q) => q.where('search_documents.row_id', '<', below!))
      .orderBy('search_documents.row_id', 'desc')
      .limit(sql.lit(examined))
      .as('search_documents'),
  );
}

/** What every window keeps of a kind's documents: the tickets in scope that pass the filters. */
function inWindowScope(s: WindowScope): Expression<SqlBool> {
  const eb = expressionBuilder<Tables, 'tickets'>();
  return eb.and([inScope(eb, s.access), filterCondition(eb, s.filters, s.viewerId)]);
}

/**
 * The rest of a window after its joins and columns, the same for either kind: the match, the bound,
 * the scope and filters, newest first, `window` rows. Written as SQL and one prebuilt condition so
 * that it types against any kind's joins (each has search_documents and tickets in its FROM).
 */
function newestMatches<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>, s: WindowScope, below: number | null, window: number) {
  return qb
    .where(matches(s.terms))
    .$if(below !== null, (q) => q.where(sql<SqlBool>`search_documents.row_id < ${below}`))
    .where(inWindowScope(s))
    .orderBy(sql`search_documents.row_id desc`)
    .limit(window);
}

/**
 * The search endpoints' index lookups in search_documents, through its GIN index; `reads` other
 * than the server's are for tests, which need a window's every path on a small corpus.
 */
export const postgresTicketQueriesWith = (reads: WindowReads): TicketTextQueries => ({
  async messageWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    return newestWindow(
      reads,
      (examined) =>
        documentsOf(db, 'messages', below, examined)
          .innerJoin('messages', 'messages.id', 'search_documents.row_id')
          .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
          .$if(examined === null, (qb) => qb.modifyFront(planEachRun))
          .select(['messages.id as rowid', 'messages.ticket_id as ticket_id', score(s.terms).as('score')])
          .where(ofKind('messages'))
          .$call((qb) => newestMatches(qb, s, below, window))
          .execute(),
      window,
    );
  },

  async subjectWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    return newestWindow(
      reads,
      (examined) =>
        documentsOf(db, 'tickets', below, examined)
          .innerJoin('tickets', 'tickets.id', 'search_documents.row_id')
          .$if(examined === null, (qb) => qb.modifyFront(planEachRun))
          .select(['tickets.id as ticket_id', score(s.terms).as('score')])
          .where(ofKind('tickets'))
          .$call((qb) => newestMatches(qb, s, below, window))
          .execute(),
      window,
    );
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
});

export const postgresTicketQueries = postgresTicketQueriesWith(READS);
