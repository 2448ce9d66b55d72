// Inbox views: how a sidebar entry becomes a list query, and whether a live ticket still belongs to it.
import type { MessageKey } from '../../shared/i18n/i18n.js';
import type { Ticket, TicketCounts, TicketStatus, Priority } from '../../shared/types.js';

export type SortKey = 'last_activity' | 'created' | 'priority' | 'sla_due';

/** "Breaching soon": an SLA clock due within this long, or already breached (the server's window too). */
export const BREACHING_SOON_MS = 60 * 60_000;

export interface ListFilters {
  status: TicketStatus[] | null;
  priority: Priority | null;
  sort: SortKey;
  order: 'asc' | 'desc';
}

export const DEFAULT_FILTERS: ListFilters = { status: null, priority: null, sort: 'last_activity', order: 'desc' };

export interface ViewRef {
  kind: 'mine' | 'unassigned' | 'team' | 'all' | 'snoozed' | 'resolved' | 'breaching' | 'channel' | 'label';
  value?: string;
}

export function parseView(key: string): ViewRef {
  const [kind, ...rest] = key.split(':');
  const value = rest.join(':');
  if ((kind === 'channel' || kind === 'label') && value) return { kind, value };
  if (kind === 'unassigned' || kind === 'team' || kind === 'all' || kind === 'snoozed' || kind === 'resolved' || kind === 'breaching') return { kind };
  return { kind: 'mine' };
}

export function viewKey(v: ViewRef): string {
  return v.value ? `${v.kind}:${v.value}` : v.kind;
}

const ACTIVE: TicketStatus[] = ['open', 'pending'];
const ALL_STATUSES: TicketStatus[] = ['open', 'pending', 'snoozed', 'resolved', 'closed'];

/** What a view lists while its status filter is left alone; its sidebar count counts the same. */
export function viewStatuses(v: ViewRef): TicketStatus[] {
  if (v.kind === 'snoozed') return ['snoozed'];
  if (v.kind === 'resolved') return ['resolved', 'closed'];
  return ACTIVE;
}

export interface StatusChoice {
  /** '' is the view's own statuses; otherwise a comma list for ListFilters.status. */
  value: string;
  label: MessageKey;
}

/**
 * The status filter's options in a view: first what the view lists by itself, named for it, then
 * each status on its own and every status at once.
 */
export function statusChoices(v: ViewRef): StatusChoice[] {
  const own = viewStatuses(v);
  const first: MessageKey = v.kind === 'snoozed' ? 'status.snoozed' : v.kind === 'resolved' ? 'filter.resolvedClosed' : 'filter.anyStatus';
  const single = ALL_STATUSES.filter((s) => own.length !== 1 || own[0] !== s).map((s): StatusChoice => ({ value: s, label: `status.${s}` }));
  return [{ value: '', label: first }, ...single, { value: ALL_STATUSES.join(','), label: 'filter.allStatuses' }];
}

/** The filter's current choice, as a StatusChoice value. */
export function statusChoiceValue(f: ListFilters): string {
  return f.status ? f.status.join(',') : '';
}

/** Whether the list shows exactly what the view's sidebar count counts. */
export function showsViewCount(f: ListFilters): boolean {
  return f.status === null && f.priority === null;
}

export function viewQuery(v: ViewRef, f: ListFilters): Record<string, string> {
  const q: Record<string, string> = {};
  switch (v.kind) {
    case 'mine':
    case 'unassigned':
    case 'team':
      q.view = v.kind;
      break;
    default:
      q.view = 'all';
  }
  if (v.kind === 'channel' && v.value) q.channel = v.value;
  if (v.kind === 'label' && v.value) q.label = v.value;
  q.status = (f.status ?? viewStatuses(v)).join(',');
  if (f.priority) q.priority = f.priority;
  q.sort = f.sort;
  q.order = f.order;
  if (v.kind === 'breaching') {
    // Most urgent first, whatever sort the other views use.
    q.sla = 'breaching';
    q.sort = 'sla_due';
    q.order = 'asc';
  }
  return q;
}

export interface Viewer {
  id: number;
  teamIds: number[];
}

export function matchesView(t: Ticket, v: ViewRef, f: ListFilters, me: Viewer): boolean {
  if (!(f.status ?? viewStatuses(v)).includes(t.status)) return false;
  if (f.priority && t.priority !== f.priority) return false;
  switch (v.kind) {
    case 'mine':
      return t.assignee?.id === me.id;
    case 'unassigned':
      return t.assignee === null;
    case 'team':
      return t.team !== null && me.teamIds.includes(t.team.id);
    case 'channel':
      return t.channel.name === v.value || t.channel.kind === v.value;
    case 'label':
      return v.value !== undefined && t.labels.includes(v.value);
    case 'breaching':
      return !!t.slaClock && (t.slaClock.breached || Date.parse(t.slaClock.dueAt) <= Date.now() + BREACHING_SOON_MS);
    default:
      return true;
  }
}

export function countFor(v: ViewRef, counts: TicketCounts | null): number | null {
  if (!counts) return null;
  switch (v.kind) {
    case 'channel':
      return counts.byChannel[v.value ?? ''] ?? 0;
    case 'label':
      return counts.byLabel[v.value ?? ''] ?? 0;
    case 'breaching':
      return null;
    default:
      return counts[v.kind];
  }
}
