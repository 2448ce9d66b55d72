import { sql, type SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { inScope } from '../modules/tickets/policy.js';
import { filterCondition } from './filters.js';
import { FILTER_WINDOW, RANK_WINDOW } from './queries.js';
import type { TicketTextQueries, WindowScope } from './text-queries.js';
import { matchExpression, parseQuery, type QueryTerm } from './tokenize.js';

const expression = (terms: readonly QueryTerm[]): string => matchExpression(terms) ?? '""';

/** The search endpoints' index lookups in search.sqlite's FTS5 tables, attached as `search`. */
export const sqliteTicketQueries: TicketTextQueries = {
  async messageWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    // A rowid bound slows the newest-first walk; the first segment has none.
    return db
      .selectFrom('search.search_messages')
      .innerJoin('messages', 'messages.id', 'search.search_messages.rowid')
      .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
      .select(['messages.id as rowid', 'messages.ticket_id as ticket_id', sql<number>`bm25(search_messages)`.as('score')])
      .where(sql<SqlBool>`search_messages match ${expression(s.terms)}`)
      .$if(below !== null, (qb) => qb.where('search.search_messages.rowid', '<', below!))
      .where((eb) => inScope(eb, s.access))
      .where((eb) => filterCondition(eb, s.filters, s.viewerId))
      .orderBy('search.search_messages.rowid', 'desc')
      .limit(window)
      .execute();
  },

  async subjectWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number) {
    return db
      .selectFrom('search.search_tickets')
      .innerJoin('tickets', 'tickets.id', 'search.search_tickets.rowid')
      .select(['tickets.id as ticket_id', sql<number>`bm25(search_tickets)`.as('score')])
      .where(sql<SqlBool>`search_tickets match ${expression(s.terms)}`)
      .$if(below !== null, (qb) => qb.where('search.search_tickets.rowid', '<', below!))
      .where((eb) => inScope(eb, s.access))
      .where((eb) => filterCondition(eb, s.filters, s.viewerId))
      .orderBy('search.search_tickets.rowid', 'desc')
      .limit(window)
      .execute();
  },

  async ticketsMatchedFrom(db: DbOrTx, terms: readonly QueryTerm[], messagesFrom: number | null, ticketsFrom: number | null) {
    const match = expression(terms);
    const seen = new Set<number>();
    if (messagesFrom !== null) {
      const rows = await db
        .selectFrom('search.search_messages')
        .innerJoin('messages', 'messages.id', 'search.search_messages.rowid')
        .select('messages.ticket_id')
        .distinct()
        .where(sql<SqlBool>`search_messages match ${match}`)
        .where('search.search_messages.rowid', '>=', messagesFrom)
        .execute();
      for (const r of rows) seen.add(r.ticket_id);
    }
    if (ticketsFrom !== null) {
      const rows = await db
        .selectFrom('search.search_tickets')
        .select('search.search_tickets.rowid as id')
        .where(sql<SqlBool>`search_tickets match ${match}`)
        .where('search.search_tickets.rowid', '>=', ticketsFrom)
        .execute();
      for (const r of rows) seen.add(r.id);
    }
    return seen;
  },

  async contacts(db: DbOrTx, terms: readonly QueryTerm[], limit: number) {
    const window = db
      .selectFrom('search.search_contacts')
      .select(['search.search_contacts.rowid as contact_id', sql<number>`bm25(search_contacts)`.as('score')])
      .where(sql<SqlBool>`search_contacts match ${expression(terms)}`)
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
  },

  ticketCondition(q: string) {
    const match = matchExpression(parseQuery(q));
    if (match === null) return null;
    return sql<SqlBool>`(tickets.id in (select rowid from search.search_tickets where search_tickets match ${match})
    or tickets.id in (select ticket_id from messages where id in
      (select rowid from search.search_messages where search_messages match ${match} order by rowid desc limit ${FILTER_WINDOW})))`;
  },

  contactCondition(q: string) {
    const match = matchExpression(parseQuery(q));
    if (match === null) return null;
    return sql<SqlBool>`contacts.id in (select rowid from search.search_contacts where search_contacts match ${match})`;
  },
};
