import type { DbOrTx } from '../db/database.js';
import { presentTicketPage } from '../modules/tickets/list-page.js';
import type { TicketView } from '../modules/tickets/schemas.js';
import type { SearchPosition } from './cursor.js';
import { qualityOf, rankScore } from './rank.js';
import { matchingMessagesOf, rankFieldsOf, ticketSegment, type Candidate, type TicketMessageMatch } from './ticket-hits.js';
import type { TicketTextQueries, WindowScope } from './text-queries.js';
import { RANK_WINDOW } from './queries.js';
import { termPattern } from './snippet.js';
import type { QueryTerm } from './tokenize.js';

export interface RankedHit {
  ticket: TicketView;
  /** The ticket's best matching message, null when only its subject or number matched. */
  best: TicketMessageMatch | null;
  matchingMessages: number;
  subjectMatched: boolean;
}

export interface RankedPage {
  hits: RankedHit[];
  next: SearchPosition | null;
}

interface Scope extends WindowScope {
  queries: TicketTextQueries;
  matches: (text: string) => boolean;
}

const bestScore = (c: Candidate): number => Math.min(c.messageScore ?? 0, c.subjectScore ?? 0);

/** The message to quote for a ticket: the most hits for its length, then the newest. */
function bestMessage(found: TicketMessageMatch[], terms: readonly QueryTerm[]): TicketMessageMatch | null {
  const pattern = termPattern(terms);
  let best: TicketMessageMatch | null = null;
  let bestDensity = -1;
  for (const m of found) {
    const hits = pattern ? [...m.text.slice(0, 5000).normalize('NFKC').matchAll(pattern)].length : 0;
    const density = hits / Math.sqrt(Math.max(1, m.text.length));
    if (density > bestDensity || (density === bestDensity && best !== null && m.id > best.id)) {
      best = m;
      bestDensity = density;
    }
  }
  return best;
}

/** One page of tickets matching a search, ranked (server/search/rank.ts), with their best matching message. */
export async function rankTickets(db: DbOrTx, s: Scope, position: SearchPosition | null, limit: number): Promise<RankedPage> {
  const bounds = { messagesBelow: position?.messagesBelow ?? null, ticketsBelow: position?.ticketsBelow ?? null };
  const offset = position?.offset ?? 0;
  const segment = await ticketSegment(db, s, bounds, RANK_WINDOW);
  const candidates = [...segment.candidates.values()];
  const rows = await rankFieldsOf(db, candidates.map((c) => c.ticketId));
  const byId = new Map(rows.map((r) => [r.id, r]));
  const best = Math.min(0, ...candidates.map(bestScore));
  const now = Date.now();
  const scored = candidates.flatMap((c) => {
    const row = byId.get(c.ticketId);
    if (!row) return [];
    const score = rankScore(
      {
        status: row.status,
        assigneeId: row.assignee_id,
        lastActivityAt: row.last_activity_at,
        quality: Math.max(qualityOf(c.messageScore, best), qualityOf(c.subjectScore, best)),
        subject: c.subject,
      },
      s.viewerId,
      now,
    );
    return [{ row, score, subject: c.subject }];
  });
  scored.sort((a, b) => b.score - a.score || b.row.last_activity_at - a.row.last_activity_at || b.row.id - a.row.id);

  const pageRows = scored.slice(offset, offset + limit);
  let next: SearchPosition | null = null;
  if (offset + limit < scored.length) next = { ...bounds, offset: offset + limit };
  else if (segment.next) next = { ...segment.next, offset: 0 };

  const ids = pageRows.map((p) => p.row.id);
  const [views, matches] = await Promise.all([
    // The list's page statement: one prepared query for the rows, names, labels and read marks.
    presentTicketPage(db, ids, s.viewerId),
    matchingMessagesOf(db, s, ids),
  ]);
  const subjectOf = new Map(pageRows.map((p) => [p.row.id, p.subject]));
  const perTicket = new Map<number, TicketMessageMatch[]>();
  for (const m of matches) perTicket.set(m.ticketId, [...(perTicket.get(m.ticketId) ?? []), m]);
  const hits = views.map((ticket) => {
    const found = perTicket.get(ticket.id) ?? [];
    const top = bestMessage(found, s.terms);
    return { ticket, best: top, matchingMessages: found.length, subjectMatched: subjectOf.get(ticket.id) ?? false };
  });
  return { hits, next };
}
