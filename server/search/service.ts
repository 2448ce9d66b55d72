import type { AppContext } from '../context.js';
import { presentContacts } from '../modules/contacts/presenter.js';
import { ticketAccess, type Viewer } from '../modules/tickets/policy.js';
import { iso, presentTickets } from '../modules/tickets/presenter.js';
import type { DbOrTx } from '../db/database.js';
import { searchContacts, searchMessages, searchTickets, ticketIdsMatching } from './queries.js';
import type { SearchResult } from './schemas.js';
import { snippet } from './snippet.js';
import { matchExpression, parseQuery } from './tokenize.js';

/**
 * Tickets (subject, number), messages and contacts matching q, each list ranked by relevance
 * and limited to `limit`; tickets and messages only from tickets the viewer may see.
 */
export async function searchAll(ctx: AppContext, viewer: Viewer, q: string, limit: number): Promise<SearchResult> {
  const terms = parseQuery(q);
  const match = matchExpression(terms);
  if (match === null) return { tickets: [], messages: [], contacts: [] };
  await ctx.search.caughtUp();
  const access = await ticketAccess(ctx, viewer);

  const ticketRows = await searchTickets(ctx.db, match, access, limit);
  const messageHits = await searchMessages(ctx.db, match, access, limit);
  const contactRows = await searchContacts(ctx.db, match, limit);
  const [tickets, contacts] = await Promise.all([
    presentTickets(ctx.db, ticketRows, viewer.id),
    presentContacts(ctx.db, contactRows),
  ]);

  return {
    tickets: tickets.map((ticket) => ({ ticket, snippet: snippet(`#${ticket.number} ${ticket.subject}`, terms) })),
    messages: messageHits.map((hit) => ({
      ticketId: hit.ticketId,
      ticketNumber: hit.ticketNumber,
      ticketSubject: hit.ticketSubject,
      messageId: hit.messageId,
      createdAt: iso(hit.createdAt),
      snippet: snippet(hit.text, terms),
    })),
    contacts: contacts.map((contact) => ({
      contact,
      snippet: snippet([contact.name, contact.email, contact.phone].filter((s) => s).join(' · '), terms),
    })),
  };
}

/** Ids of the tickets matching q (the ticket list's filter), once the index holds every earlier write. */
export async function matchingTicketIds(ctx: AppContext, db: DbOrTx, q: string): Promise<number[]> {
  await ctx.search.caughtUp();
  return ticketIdsMatching(db, q);
}
