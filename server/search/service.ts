import type { AppContext } from '../context.js';
import { presentContacts } from '../modules/contacts/presenter.js';
import { ticketAccess, type Viewer } from '../modules/tickets/policy.js';
import type { DbOrTx } from '../db/database.js';
import { decodeSearchCursor, encodeSearchCursor } from './cursor.js';
import type { SearchFilters } from './filters.js';
import { ticketIdsMatching } from './queries.js';
import { rankTickets } from './ranked-tickets.js';
import type { SearchResult } from './schemas.js';
import { snippet, textMatcher } from './snippet.js';
import { parseQuery } from './tokenize.js';

/** Two lines of a results row. */
const HIT_SNIPPET = 100;

export interface SearchRequest {
  q: string;
  limit: number;
  filters: SearchFilters;
  cursor?: string | undefined;
}

/**
 * Tickets matching q (by subject, number or any message), one hit per ticket ranked by a blend
 * of match, status, ownership and recency (server/search/rank.ts), and contacts matching q.
 * `tickets` and `messages` are the older views of the same hits: those matched by subject, and
 * the best matching message of each ticket. Only tickets the viewer may see.
 */
export async function searchAll(ctx: AppContext, viewer: Viewer, req: SearchRequest): Promise<SearchResult> {
  const terms = parseQuery(req.q);
  const position = decodeSearchCursor(req.cursor);
  if (terms.length === 0) return { tickets: [], messages: [], contacts: [], hits: [], nextCursor: null };
  await ctx.search.caughtUp();
  const access = await ticketAccess(ctx, viewer);

  const page = await rankTickets(ctx.db, { terms, queries: ctx.search.queries, matches: textMatcher(terms), access, filters: req.filters, viewerId: viewer.id }, position, req.limit);
  // Contacts belong to the first page only: the view pages through tickets.
  const contactRows = position ? [] : await ctx.search.queries.contacts(ctx.db, terms, req.limit);
  const contacts = await presentContacts(ctx.db, contactRows);

  const hits = page.hits.map((hit) => ({
    ticket: hit.ticket,
    snippet: snippet(hit.best ? hit.best.text : `#${hit.ticket.number} ${hit.ticket.subject}`, terms, HIT_SNIPPET),
    matchingMessages: hit.matchingMessages,
    messageId: hit.best?.id ?? null,
    subjectMatched: hit.subjectMatched,
  }));
  return {
    hits,
    nextCursor: page.next ? encodeSearchCursor(page.next) : null,
    tickets: page.hits
      .filter((hit) => hit.subjectMatched)
      .map((hit) => ({ ticket: hit.ticket, snippet: snippet(`#${hit.ticket.number} ${hit.ticket.subject}`, terms) })),
    messages: page.hits.flatMap((hit, i) =>
      hit.best
        ? [{
            ticketId: hit.ticket.id,
            ticketNumber: hit.ticket.number,
            ticketSubject: hit.ticket.subject,
            messageId: hit.best.id,
            createdAt: new Date(hit.best.createdAt).toISOString(),
            snippet: hits[i]!.snippet,
          }]
        : [],
    ),
    contacts: contacts.map((contact) => ({
      contact,
      snippet: snippet([contact.name, contact.email, contact.phone].filter((s) => s).join(' · '), terms),
    })),
  };
}

/** Ids of the tickets matching q (the ticket list's filter), once the index holds every earlier write. */
export async function matchingTicketIds(ctx: AppContext, db: DbOrTx, q: string): Promise<number[]> {
  await ctx.search.caughtUp();
  return ticketIdsMatching(ctx.search.queries, db, q);
}
