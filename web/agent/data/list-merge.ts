// Live list updates: a changed ticket is removed and re-inserted at its sorted place, or dropped when it
// no longer belongs to the view. The caller keeps the scroll anchored on the first visible row.
import type { Ticket } from '../../shared/types.js';
import type { ListFilters } from './views.js';

const PRIORITY_RANK: Record<Ticket['priority'], number> = { urgent: 3, high: 2, normal: 1, low: 0 };

export function compareTickets(a: Ticket, b: Ticket, f: Pick<ListFilters, 'sort' | 'order'>): number {
  let d: number;
  if (f.sort === 'priority') {
    d = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || Date.parse(a.lastActivityAt) - Date.parse(b.lastActivityAt);
  } else if (f.sort === 'sla_due') {
    // The server lists only tickets with a running clock; one that lost its clock sorts last.
    d = (a.slaClock ? Date.parse(a.slaClock.dueAt) : Infinity) - (b.slaClock ? Date.parse(b.slaClock.dueAt) : Infinity) || 0;
  } else if (f.sort === 'created') {
    d = Date.parse(a.createdAt) - Date.parse(b.createdAt);
  } else {
    d = Date.parse(a.lastActivityAt) - Date.parse(b.lastActivityAt);
  }
  if (d === 0) d = a.id - b.id;
  return f.order === 'desc' ? -d : d;
}

/**
 * Returns a new list with `ticket` upserted or removed. When the list is partial (more pages exist) a
 * ticket that sorts after the last loaded row is left out: the next page will bring it.
 */
export function mergeTicket(
  list: readonly Ticket[],
  ticket: Ticket,
  belongs: boolean,
  f: Pick<ListFilters, 'sort' | 'order'>,
  complete: boolean,
): Ticket[] {
  const rest = list.filter((t) => t.id !== ticket.id);
  if (!belongs) return rest.length === list.length ? (list as Ticket[]) : rest;
  let i = 0;
  while (i < rest.length && compareTickets(rest[i] as Ticket, ticket, f) <= 0) i++;
  if (i === rest.length && !complete && rest.length > 0) return rest;
  rest.splice(i, 0, ticket);
  return rest;
}

/** Where to scroll after a list change so the row that was at the top stays where the agent saw it. */
export function anchoredScrollTop(
  before: readonly Ticket[],
  after: readonly Ticket[],
  scrollTop: number,
  rowHeight: number,
): number {
  if (scrollTop <= 0) return 0;
  const firstIndex = Math.floor(scrollTop / rowHeight);
  const offset = scrollTop - firstIndex * rowHeight;
  for (let i = firstIndex; i < before.length; i++) {
    const id = (before[i] as Ticket).id;
    const j = after.findIndex((t) => t.id === id);
    if (j >= 0) return Math.max(0, (j - (i - firstIndex)) * rowHeight + offset);
  }
  return scrollTop;
}
