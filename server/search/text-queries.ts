import type { RawBuilder, SqlBool } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import type { ContactRow } from '../modules/contacts/queries.js';
import type { TicketAccess } from '../modules/tickets/policy.js';
import type { SearchFilters } from './filters.js';
import type { QueryTerm } from './tokenize.js';

/** What a ranked search is limited to (server/search/ticket-hits.ts). */
export interface WindowScope {
  terms: readonly QueryTerm[];
  access: TicketAccess;
  filters: SearchFilters;
  viewerId: number;
}

export interface MessageMatch {
  rowid: number;
  ticket_id: number;
  /** bm25-like: negative, lower is better. */
  score: number;
}

export interface SubjectMatch {
  ticket_id: number;
  score: number;
}

/**
 * The queries of the search endpoints that look into the full-text index, one implementation per
 * driver (FTS5 in search.sqlite; search_documents on PostgreSQL), chosen with the index itself
 * (ctx.search.queries). Everything else a search does is shared.
 */
export interface TicketTextQueries {
  /** The newest `window` matching messages in scope, below rowid `below` when given. */
  messageWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number): Promise<MessageMatch[]>;
  /** The newest `window` tickets in scope whose number or subject matches, below id `below`. */
  subjectWindow(db: DbOrTx, s: WindowScope, below: number | null, window: number): Promise<SubjectMatch[]>;
  /** Tickets holding a matching message with id ≥ messagesFrom, or matching by subject with id ≥ ticketsFrom. */
  ticketsMatchedFrom(db: DbOrTx, terms: readonly QueryTerm[], messagesFrom: number | null, ticketsFrom: number | null): Promise<Set<number>>;
  /** The best matching contacts among the newest matches. */
  contacts(db: DbOrTx, terms: readonly QueryTerm[], limit: number): Promise<ContactRow[]>;
  /** A WHERE condition on tickets.id (GET /tickets?q=); null when q has nothing searchable. */
  ticketCondition(q: string): RawBuilder<SqlBool> | null;
  /** A WHERE condition on contacts.id (GET /contacts?q=); null when q has nothing searchable. */
  contactCondition(q: string): RawBuilder<SqlBool> | null;
}
