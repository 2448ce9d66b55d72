import type { ExpressionBuilder, ExpressionWrapper, SqlBool } from 'kysely';
import type { Tables } from '../db/tables.js';
import { BadRequest } from '../http/errors.js';
import { TICKET_STATUSES } from '../modules/tickets/schemas.js';
import type { TicketStatus } from '../modules/tickets/tables.js';

/** What the full results view narrows a search to; every field optional (search covers all statuses). */
export interface SearchFilters {
  statuses?: TicketStatus[] | undefined;
  assignee?: 'me' | 'none' | number | undefined;
  teamId?: number | undefined;
  channel?: { kind: string } | { name: string } | undefined;
  /** Last activity at or after / before, epoch ms. */
  from?: number | undefined;
  to?: number | undefined;
}

export interface RawSearchFilters {
  status?: string | undefined;
  assigneeId?: string | undefined;
  teamId?: number | undefined;
  channel?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const CHANNEL_KINDS = ['email', 'widget', 'api', 'telegram', 'twilio', 'whatsapp', 'wechat'];

const bad = (field: string, message: string): BadRequest => new BadRequest(`${field}: ${message}`, { field });

function time(field: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw bad(field, `"${value}" is not a date`);
  return ms;
}

export function parseSearchFilters(raw: RawSearchFilters): SearchFilters {
  let statuses: TicketStatus[] | undefined;
  if (raw.status && raw.status !== 'all') {
    statuses = [...new Set(raw.status.split(',').map((s) => s.trim()).filter((s) => s !== ''))] as TicketStatus[];
    const unknown = statuses.find((s) => !(TICKET_STATUSES as readonly string[]).includes(s));
    if (unknown !== undefined) throw bad('status', `unknown value "${unknown}" (one of ${TICKET_STATUSES.join(', ')}, all)`);
  }
  let assignee: SearchFilters['assignee'];
  if (raw.assigneeId === 'me' || raw.assigneeId === 'none') assignee = raw.assigneeId;
  else if (raw.assigneeId) {
    if (!/^\d{1,15}$/.test(raw.assigneeId) || Number(raw.assigneeId) < 1) throw bad('assigneeId', `"${raw.assigneeId}" is not an id, me or none`);
    assignee = Number(raw.assigneeId);
  }
  const channel = raw.channel?.trim();
  const from = time('from', raw.from);
  const to = time('to', raw.to);
  if (from !== undefined && to !== undefined && from > to) throw bad('from', 'is after to');
  return {
    statuses,
    assignee,
    teamId: raw.teamId,
    channel: channel ? (CHANNEL_KINDS.includes(channel) ? { kind: channel } : { name: channel }) : undefined,
    from,
    to,
  };
}

/** The filters as SQL over the tickets table; `viewerId` is who "me" is. */
export function filterCondition(
  eb: ExpressionBuilder<Tables, 'tickets'>,
  filters: SearchFilters,
  viewerId: number,
): ExpressionWrapper<Tables, 'tickets', SqlBool> {
  const all: Array<ExpressionWrapper<Tables, 'tickets', SqlBool>> = [];
  if (filters.statuses) all.push(eb('tickets.status', 'in', filters.statuses));
  if (filters.assignee === 'none') all.push(eb('tickets.assignee_id', 'is', null));
  else if (filters.assignee !== undefined) all.push(eb('tickets.assignee_id', '=', filters.assignee === 'me' ? viewerId : filters.assignee));
  if (filters.teamId !== undefined) all.push(eb('tickets.team_id', '=', filters.teamId));
  const ch = filters.channel;
  if (ch) all.push('kind' in ch ? eb('tickets.channel_kind', '=', ch.kind) : eb('tickets.channel_name', '=', ch.name));
  if (filters.from !== undefined) all.push(eb('tickets.last_activity_at', '>=', filters.from));
  if (filters.to !== undefined) all.push(eb('tickets.last_activity_at', '<=', filters.to));
  return eb.and(all);
}

/** Whether the filters leave nothing to narrow (the popup's case). */
export const noFilters = (f: SearchFilters): boolean => Object.values(f).every((v) => v === undefined);
