import { BadRequest } from '../../http/errors.js';
import type { ChannelKind } from '../../intake/types.js';
import { TICKET_PRIORITIES, TICKET_STATUSES } from './schemas.js';
import type { TicketPriority, TicketStatus } from './tables.js';

export type TicketView = 'mine' | 'unassigned' | 'team' | 'all';
export type TicketSort = 'last_activity' | 'created' | 'priority' | 'sla_due';

export interface TicketFilters {
  view: TicketView;
  statuses: TicketStatus[];
  assignee?: 'me' | 'none' | number | undefined;
  teamId?: number | undefined;
  label?: string | undefined;
  channel?: { kind: string } | { name: string } | undefined;
  priorities?: TicketPriority[] | undefined;
  contactId?: number | undefined;
  q?: string | undefined;
  /** running: an SLA clock runs; breaching: one is due within BREACHING_SOON_MS or breached */
  sla?: 'running' | 'breaching' | undefined;
  /** handled: chats the answer bot took; deflected: those it solved before any agent wrote */
  bot?: TicketBotFilter | undefined;
  /** half-open ranges [from, to) in ms: when the ticket was created, when it was last resolved */
  created?: TimeRange | undefined;
  resolved?: TimeRange | undefined;
  sort: TicketSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string | undefined;
}

export const TICKET_BOT_FILTERS = ['handled', 'deflected'] as const;
export type TicketBotFilter = (typeof TICKET_BOT_FILTERS)[number];

export interface TimeRange {
  from?: number | undefined;
  to?: number | undefined;
}

export interface RawTicketQuery {
  view?: string | undefined;
  status?: string | undefined;
  assignee?: string | undefined;
  team?: string | undefined;
  label?: string | undefined;
  channel?: string | undefined;
  priority?: string | undefined;
  contact?: string | undefined;
  q?: string | undefined;
  sla?: string | undefined;
  bot?: string | undefined;
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  resolvedFrom?: string | undefined;
  resolvedTo?: string | undefined;
  sort?: string | undefined;
  order?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

const CHANNEL_KINDS: readonly ChannelKind[] = ['email', 'widget', 'api', 'telegram', 'twilio', 'whatsapp', 'wechat'];
/** The working set: what an inbox shows unless asked for something else. */
/** What "breaching soon" means: due within the hour (or already breached). */
export const BREACHING_SOON_MS = 60 * 60_000;

export const ACTIVE_STATUSES: TicketStatus[] = ['open', 'pending'];

const bad = (field: string, message: string): BadRequest => new BadRequest(`${field}: ${message}`, { field });

function csv<T extends string>(field: string, value: string, allowed: readonly T[]): T[] {
  const items = [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
  if (items.length === 0) throw bad(field, 'empty list');
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) throw bad(field, `unknown value "${item}" (one of ${allowed.join(', ')})`);
  }
  return items as T[];
}

function positiveId(field: string, value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw bad(field, `"${value}" is not an id`);
  return Number(value);
}

function oneOf<T extends string>(field: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw bad(field, `unknown value "${value}" (one of ${allowed.join(', ')})`);
  return value as T;
}

/**
 * `channel=` is a channel name or a kind. A configured channel's name wins over a kind spelled
 * the same (a bot named "telegram" beside others), so picking a channel lists only its tickets.
 */
function channelFilter(value: string | undefined, channelNames: ReadonlySet<string>): TicketFilters['channel'] {
  if (!value) return undefined;
  if (channelNames.has(value)) return { name: value };
  return (CHANNEL_KINDS as readonly string[]).includes(value) ? { kind: value } : { name: value };
}

/** A full ISO 8601 timestamp with its zone (or a bare date, read as UTC midnight): the Reports page's period boundaries. */
function instant(field: string, value: string | undefined): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw bad(field, `"${value}" is not an ISO 8601 date or time with a time zone`);
  return ms;
}

function timeRange(name: 'created' | 'resolved', from: string | undefined, to: string | undefined): TimeRange | undefined {
  const range = { from: instant(`${name}From`, from), to: instant(`${name}To`, to) };
  if (range.from === undefined && range.to === undefined) return undefined;
  if (range.from !== undefined && range.to !== undefined && range.to <= range.from) throw bad(`${name}To`, `must be after ${name}From`);
  return range;
}

/** Every filter checked here, so a typo is a 400 naming the field rather than an empty list. */
export function parseTicketQuery(raw: RawTicketQuery, channelNames: ReadonlySet<string> = new Set()): TicketFilters {
  const contactId = raw.contact ? positiveId('contact', raw.contact) : undefined;
  let statuses: TicketStatus[];
  if (raw.status === 'all') statuses = [...TICKET_STATUSES];
  else if (raw.status) statuses = csv('status', raw.status, TICKET_STATUSES);
  // A contact's history is all of it; an inbox is the working set.
  else statuses = contactId ? [...TICKET_STATUSES] : ACTIVE_STATUSES;

  let assignee: TicketFilters['assignee'];
  if (raw.assignee === 'me' || raw.assignee === 'none') assignee = raw.assignee;
  else if (raw.assignee) assignee = positiveId('assignee', raw.assignee);

  const channel = raw.channel?.trim();
  const limit = raw.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw bad('limit', 'must be an integer from 1 to 200');
  return {
    view: oneOf('view', raw.view, ['mine', 'unassigned', 'team', 'all'] as const, 'all'),
    statuses,
    assignee,
    teamId: raw.team ? positiveId('team', raw.team) : undefined,
    label: raw.label?.trim() || undefined,
    channel: channelFilter(channel, channelNames),
    priorities: raw.priority ? csv('priority', raw.priority, TICKET_PRIORITIES) : undefined,
    contactId,
    q: raw.q?.trim() || undefined,
    sla: raw.sla ? oneOf('sla', raw.sla, ['running', 'breaching'] as const, 'running') : undefined,
    bot: raw.bot ? oneOf('bot', raw.bot, TICKET_BOT_FILTERS, 'handled') : undefined,
    created: timeRange('created', raw.createdFrom, raw.createdTo),
    resolved: timeRange('resolved', raw.resolvedFrom, raw.resolvedTo),
    sort: oneOf('sort', raw.sort, ['last_activity', 'created', 'priority', 'sla_due'] as const, 'last_activity'),
    order: oneOf('order', raw.order, ['asc', 'desc'] as const, 'desc'),
    limit,
    cursor: raw.cursor,
  };
}
