import { ApiError, type ApiClient } from '../../shared/api.js';
import type { TicketDetail } from '../../shared/types.js';
import { tickets } from './api-calls.js';

/** Where a ticket can come from: the live connection (see AppStore.openTicket) or HTTP. */
export interface TicketSource {
  api: ApiClient;
  openTicket(id: number): Promise<TicketDetail> | null;
}

/** A prefetch older than this is not used: the view loads afresh. */
const FRESH_MS = 2000;

let pending: { id: number; at: number; request: Promise<TicketDetail> } | null = null;

/**
 * Loads a ticket over the live connection, or over HTTP when the connection is down or fails to
 * answer. "Not found" is an answer, not a failure: asking again over HTTP would only repeat it.
 */
export function loadTicket(source: TicketSource, id: number): Promise<TicketDetail> {
  const live = source.openTicket(id);
  if (!live) return tickets.get(source.api, id);
  return live.catch((err: unknown) => {
    if (err instanceof ApiError) throw err;
    return tickets.get(source.api, id);
  });
}

/**
 * Starts loading a ticket the agent is opening, at the click or keypress itself. Left to the
 * view, the request would wait for the route change and the view's first render, a quarter of
 * the time it takes a ticket to show. Only the newest prefetch is kept.
 */
export function prefetchTicket(source: TicketSource, id: number): void {
  if (pending?.id === id && performance.now() - pending.at < FRESH_MS) return;
  const request = loadTicket(source, id);
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
