import { BadRequest } from '../../http/errors.js';
import { isTimeZone } from '../business-hours/zone-clock.js';
import { TICKET_PRIORITIES } from '../tickets/schemas.js';
import type { TicketPriority } from '../tickets/tables.js';

const DAY = 86_400_000;
export const MAX_RANGE_DAYS = 366;

export const BREAKDOWNS = ['channel', 'team', 'agent', 'label', 'priority'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

/** The query string every report takes. */
export interface RawReportQuery {
  from?: string | undefined;
  to?: string | undefined;
  timezone?: string | undefined;
  channel?: string | undefined;
  teamId?: number | undefined;
  agentId?: number | undefined;
  label?: string | undefined;
  priority?: string | undefined;
  businessHoursId?: number | undefined;
}

/** Which tickets a report counts, beyond its period. */
export interface ReportFilters {
  /** a channel kind (email, widget...) or a configured channel's name */
  channel?: string | undefined;
  teamId?: number | undefined;
  agentId?: number | undefined;
  label?: string | undefined;
  priorities?: TicketPriority[] | undefined;
}

/** A half-open period [from, to) in ms since the epoch. */
export interface Period {
  from: number;
  to: number;
}

export interface ReportQuery {
  period: Period;
  /** the same length, just before */
  previous: Period;
  timezone: string;
  filters: ReportFilters;
  /** a calendar to also measure times in business hours of */
  businessHoursId?: number | undefined;
}

const bad = (field: string, message: string): BadRequest => new BadRequest(`${field}: ${message}`, { field });

function instant(field: string, value: string | undefined): number {
  if (value === undefined || value.trim() === '') throw bad(field, 'required, an ISO 8601 date or time');
  // A bare date would be read as UTC midnight by Date.parse: demand the time zone be explicit or a full timestamp.
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim()) ? Date.parse(value.trim()) : NaN;
  if (Number.isNaN(ms)) throw bad(field, `"${value}" is not an ISO 8601 date or time`);
  return ms;
}

export function parseReportQuery(raw: RawReportQuery): ReportQuery {
  const from = instant('from', raw.from);
  const to = instant('to', raw.to);
  if (to <= from) throw bad('to', 'must be after from');
  if (to - from > MAX_RANGE_DAYS * DAY) throw bad('to', `the range may span at most ${MAX_RANGE_DAYS} days`);
  const timezone = raw.timezone?.trim() || 'UTC';
  if (!isTimeZone(timezone)) throw bad('timezone', `"${timezone}" is not an IANA time zone`);
  let priorities: TicketPriority[] | undefined;
  if (raw.priority) {
    priorities = [...new Set(raw.priority.split(',').map((p) => p.trim()).filter((p) => p !== ''))] as TicketPriority[];
    const unknown = priorities.find((p) => !TICKET_PRIORITIES.includes(p));
    if (unknown !== undefined || priorities.length === 0) throw bad('priority', `unknown value "${unknown ?? ''}" (one of ${TICKET_PRIORITIES.join(', ')})`);
  }
  return {
    period: { from, to },
    previous: { from: from - (to - from), to: from },
    timezone,
    filters: {
      channel: raw.channel?.trim() || undefined,
      teamId: raw.teamId,
      agentId: raw.agentId,
      label: raw.label?.trim() || undefined,
      priorities,
    },
    businessHoursId: raw.businessHoursId,
  };
}

export function parseBreakdown(by: string | undefined): Breakdown {
  if (!by || !(BREAKDOWNS as readonly string[]).includes(by)) throw bad('by', `unknown breakdown "${by ?? ''}" (one of ${BREAKDOWNS.join(', ')})`);
  return by as Breakdown;
}
