import type { TicketStatus } from '../modules/tickets/tables.js';

/**
 * How a search hit's ticket is ranked: a blend of how well it matched, whether it is still
 * being worked on, whether it is the searcher's, and how recently anything happened on it.
 * bm25 alone put long-closed tickets that repeat a word above the open ticket an agent is
 * looking for; for one- and two-character Chinese queries the match scores barely differ at all.
 */
const STATUS_WEIGHT: Record<TicketStatus, number> = { open: 1.5, pending: 1.2, snoozed: 0.6, resolved: 0.2, closed: 0 };
const ACTIVE: ReadonlySet<TicketStatus> = new Set(['open', 'pending', 'snoozed']);
const MINE_ACTIVE = 2;
const MINE_DONE = 0.5;
const QUALITY = 0.75;
const SUBJECT = 0.5;
const RECENCY = 1.5;
/** Recency halves every week: yesterday's ticket beats last month's, the hour matters little. */
const HALF_LIFE_MS = 7 * 86_400_000;

export interface RankInput {
  status: TicketStatus;
  assigneeId: number | null;
  lastActivityAt: number;
  /** How well the text matched, 0–1 (1: the best match among the candidates). */
  quality: number;
  /** Whether the subject (or number) matched, not only a message. */
  subject: boolean;
}

export function rankScore(hit: RankInput, viewerId: number, now: number): number {
  const mine = hit.assigneeId === viewerId ? (ACTIVE.has(hit.status) ? MINE_ACTIVE : MINE_DONE) : 0;
  const age = Math.max(0, now - hit.lastActivityAt);
  return (
    QUALITY * hit.quality +
    (hit.subject ? SUBJECT : 0) +
    STATUS_WEIGHT[hit.status] +
    mine +
    RECENCY * Math.pow(0.5, age / HALF_LIFE_MS)
  );
}

/**
 * bm25 scores (negative; lower is better) scaled to 0–1 against the best of the candidates.
 * Null (no match of that kind) is 0.
 */
export function qualityOf(bm25: number | null, best: number): number {
  if (bm25 === null || best >= 0) return 0;
  return Math.min(1, Math.max(0, bm25 / best));
}
