import type { DbOrTx } from '../db/database.js';
import { inJsonIntegers } from '../db/dialect-sql.js';
import type { TicketRow } from '../modules/tickets/queries.js';
import { filterCondition } from './filters.js';
import type { TicketTextQueries, WindowScope } from './text-queries.js';

/**
 * Finding the tickets a search is about. A common word matches a large part of the index, so
 * tickets are gathered in segments: the tickets of the newest `window` matching messages and
 * of the newest `window` matching subjects, then (next page on) the same below those rowids,
 * less the tickets an earlier segment already held. The first segment also takes the
 * searcher's own working tickets however old their match is: they are the likeliest target.
 */

/** The searcher's open and pending tickets looked into, newest activity first. */
export const MINE_TICKETS = 50;

/** Where a segment starts: below these rowids (null: from the newest). */
export interface SegmentBounds {
  messagesBelow: number | null;
  ticketsBelow: number | null;
}

export interface Candidate {
  ticketId: number;
  /** The best bm25 among the ticket's matching messages in a window; null if none was. */
  messageScore: number | null;
  subjectScore: number | null;
  message: boolean;
  subject: boolean;
}

export interface Segment {
  candidates: Map<number, Candidate>;
  /** Where the next segment starts; null when this one reached the oldest match. */
  next: SegmentBounds | null;
}

interface Scope extends WindowScope {
  queries: TicketTextQueries;
  /** The same query as `match`, tested on text in hand (server/search/snippet.ts textMatcher). */
  matches: (text: string) => boolean;
}

const ACTIVE = ['open', 'pending'] as const;

/** Records a match; `score` is null where it was found by a rowid lookup, which ranks no match. */
function add(into: Map<number, Candidate>, ticketId: number, score: number | null, kind: 'message' | 'subject'): void {
  const c = into.get(ticketId) ?? { ticketId, messageScore: null, subjectScore: null, message: false, subject: false };
  c[kind] = true;
  const key = kind === 'message' ? 'messageScore' : 'subjectScore';
  const prev = c[key];
  if (score !== null) c[key] = prev === null ? score : Math.min(prev, score);
  into.set(ticketId, c);
}

/**
 * The searcher's working tickets whose subject or messages match, tested in JS (textMatcher):
 * an index lookup per message costs a prefix query's whole merge each time.
 */
async function mine(db: DbOrTx, s: Scope, into: Map<number, Candidate>): Promise<void> {
  const working = await workingTickets(db, s).select(['tickets.number', 'tickets.subject']).execute();
  if (working.length === 0) return;
  for (const t of working) if (s.matches(`#${t.number} ${t.subject}`)) add(into, t.id, null, 'subject');
  for (const m of await messagesOf(db, working.map((t) => t.id))) if (s.matches(m.text)) add(into, m.ticketId, null, 'message');
}

function workingTickets(db: DbOrTx, s: Scope) {
  return db
    .selectFrom('tickets')
    .select('tickets.id')
    .where('tickets.assignee_id', '=', s.viewerId)
    .where('tickets.status', 'in', ACTIVE)
    .where((eb) => filterCondition(eb, s.filters, s.viewerId))
    .orderBy('tickets.last_activity_at', 'desc')
    .limit(MINE_TICKETS);
}

/** A ticket of thousands of messages is looked into as far as its newest MESSAGES_READ. */
const MESSAGES_READ = 5000;

async function messagesOf(db: DbOrTx, ticketIds: number[]): Promise<TicketMessageMatch[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['id', 'ticket_id', 'text', 'created_at'])
    // One JSON parameter: one statement text whatever the count, kept prepared (an IN list of
    // each length was parsed and planned afresh).
    .where((eb) => inJsonIntegers(db, eb.ref('ticket_id'), JSON.stringify(ticketIds)))
    .orderBy('id', 'desc')
    .limit(MESSAGES_READ)
    .execute();
  return rows.map((r) => ({ id: r.id, ticketId: r.ticket_id, text: r.text, createdAt: r.created_at }));
}

/** Tickets an earlier segment held: any match at or above its bounds (a superset is harmless). */
async function earlier(db: DbOrTx, s: Scope, bounds: SegmentBounds): Promise<Set<number>> {
  const seen = await s.queries.ticketsMatchedFrom(db, s.terms, bounds.messagesBelow, bounds.ticketsBelow);
  for (const r of await workingTickets(db, s).execute()) seen.add(r.id);
  return seen;
}

export async function ticketSegment(db: DbOrTx, s: Scope, bounds: SegmentBounds, window: number): Promise<Segment> {
  const first = bounds.messagesBelow === null && bounds.ticketsBelow === null;
  const candidates = new Map<number, Candidate>();
  // 0 marks a kind with nothing left below it.
  const messages = bounds.messagesBelow !== 0 ? await s.queries.messageWindow(db, s, bounds.messagesBelow, window) : [];
  const subjects = bounds.ticketsBelow !== 0 ? await s.queries.subjectWindow(db, s, bounds.ticketsBelow, window) : [];
  for (const r of messages) add(candidates, r.ticket_id, r.score, 'message');
  for (const r of subjects) add(candidates, r.ticket_id, r.score, 'subject');
  if (first) await mine(db, s, candidates);
  else for (const id of await earlier(db, s, bounds)) candidates.delete(id);

  const mFull = messages.length === window;
  const tFull = subjects.length === window;
  const next =
    mFull || tFull
      ? { messagesBelow: mFull ? messages[messages.length - 1]!.rowid : 0, ticketsBelow: tFull ? subjects[subjects.length - 1]!.ticket_id : 0 }
      : null;
  return { candidates, next };
}

export type RankFields = Pick<TicketRow, 'id' | 'status' | 'assignee_id' | 'last_activity_at'>;

/** What ranking needs of each candidate; the page's rows are read whole afterwards. */
export async function rankFieldsOf(db: DbOrTx, ids: number[]): Promise<RankFields[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('tickets')
    .select(['id', 'status', 'assignee_id', 'last_activity_at'])
    .where((eb) => inJsonIntegers(db, eb.ref('id'), JSON.stringify(ids)))
    .execute();
}

export interface TicketMessageMatch {
  id: number;
  ticketId: number;
  text: string;
  createdAt: number;
}

/** Every matching message of the given tickets (tested in JS, as in mine()). */
export async function matchingMessagesOf(db: DbOrTx, s: Pick<Scope, 'matches'>, ticketIds: number[]): Promise<TicketMessageMatch[]> {
  if (ticketIds.length === 0) return [];
  return (await messagesOf(db, ticketIds)).filter((m) => s.matches(m.text));
}
