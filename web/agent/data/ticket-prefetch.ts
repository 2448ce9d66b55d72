import type { ApiClient } from '../../shared/api.js';
import { tickets } from './api-calls.js';

type TicketDetail = Awaited<ReturnType<typeof tickets.get>>;

/** A prefetch older than this is not used: the view loads afresh. */
const FRESH_MS = 2000;

let pending: { id: number; at: number; request: Promise<TicketDetail> } | null = null;

/**
 * Starts loading a ticket the agent is opening, at the click or keypress itself. Left to the
 * view, the request would wait for the route change and the view's first render, a quarter of
 * the time it takes a ticket to show. Only the newest prefetch is kept.
 */
export function prefetchTicket(api: ApiClient, id: number): void {
  if (pending?.id === id && performance.now() - pending.at < FRESH_MS) return;
  const request = tickets.get(api, id);
  // Taken by the view, or dropped; a failure is the view's to report when it loads for itself.
  request.catch(() => undefined);
  pending = { id, at: performance.now(), request };
}

/** The request prefetchTicket started for this ticket, if it is recent; each is taken once. */
export function takePrefetchedTicket(id: number): Promise<TicketDetail> | null {
  const p = pending;
  if (!p || p.id !== id) return null;
  pending = null;
  return performance.now() - p.at < FRESH_MS ? p.request : null;
}
