import { addBusinessMinutes, businessMinutesBetween, type CalendarLike } from '../business-hours/business-time.js';
import type { TicketStatus } from '../tickets/tables.js';
import type { SlaClockStatus, SlaTarget } from './tables.js';

/**
 * SLA clock arithmetic with no database: a ticket's history in, each target's due time and state
 * out. Everything is recomputed from the history, so a policy or priority change moves due times
 * as if the new policy had applied from the ticket's creation.
 */

export interface ClockPolicy {
  /** null counts calendar time */
  calendar: CalendarLike | null;
  pauseWhenPending: boolean;
  pauseWhenSnoozed: boolean;
  firstResponseMinutes: number | null;
  nextResponseMinutes: number | null;
  resolutionMinutes: number | null;
  warningMinutes: number | null;
  warningPercent: number | null;
}

export interface TicketHistory {
  createdAt: number;
  /** the status the ticket was created with */
  initialStatus: TicketStatus;
  /** every status change, oldest first */
  statusChanges: Array<{ at: number; to: TicketStatus }>;
  /** customer messages and agent replies the customer sees, oldest first */
  messages: Array<{ at: number; from: 'customer' | 'agent' }>;
}

export interface Clock {
  target: SlaTarget;
  cycle: number;
  startedAt: number;
  dueAt: number | null;
  warnAt: number | null;
  metAt: number | null;
  status: SlaClockStatus;
}

/** [start, end) with end null while it lasts. */
type Interval = [number, number | null];

function intervalsWhere(history: TicketHistory, test: (s: TicketStatus) => boolean): Interval[] {
  const out: Interval[] = [];
  let status = history.initialStatus;
  let since = history.createdAt;
  const close = (at: number) => {
    if (test(status)) out.push([since, at]);
  };
  for (const change of history.statusChanges) {
    if (change.to === status) continue;
    close(change.at);
    status = change.to;
    since = change.at;
  }
  if (test(status)) out.push([since, null]);
  return out;
}

const counted = (calendar: CalendarLike | null, a: number, b: number): number =>
  calendar ? businessMinutesBetween(calendar, a, b) : (b - a) / 60_000;

const plus = (calendar: CalendarLike | null, from: number, minutes: number): number | null =>
  calendar ? (addBusinessMinutes(calendar, from, minutes)?.getTime() ?? null) : from + minutes * 60_000;

/**
 * The instant `minutes` of counted time after `start`, skipping paused intervals; null while the
 * clock is paused before reaching it (or the calendar never opens).
 */
export function dueAfter(calendar: CalendarLike | null, start: number, minutes: number, pauses: Interval[]): number | null {
  let cursor = start;
  let left = minutes;
  for (const [ps, pe] of pauses) {
    if (pe !== null && pe <= cursor) continue;
    if (ps > cursor) {
      const available = counted(calendar, cursor, ps);
      if (available >= left) return plus(calendar, cursor, left);
      left -= available;
    }
    if (pe === null) return null;
    cursor = Math.max(cursor, pe);
  }
  return plus(calendar, cursor, left);
}

/** Pauses as they stood at `until` (a clock stops when met: later pauses do not move its due time). */
function clip(pauses: Interval[], until: number | null): Interval[] {
  if (until === null) return pauses;
  return pauses.filter(([s]) => s < until).map(([s, e]): Interval => [s, e === null || e > until ? until : e]);
}

function warningLead(policy: ClockPolicy, minutes: number): number | null {
  if (policy.warningMinutes !== null) return Math.min(policy.warningMinutes, minutes);
  if (policy.warningPercent !== null) return (minutes * policy.warningPercent) / 100;
  return null;
}

function clock(policy: ClockPolicy, target: SlaTarget, cycle: number, start: number, minutes: number, pauses: Interval[], metAt: number | null, at: number): Clock {
  const relevant = clip(pauses, metAt);
  const dueAt = dueAfter(policy.calendar, start, minutes, relevant);
  const lead = warningLead(policy, minutes);
  const warnAt = dueAt === null || lead === null ? null : dueAfter(policy.calendar, start, minutes - lead, relevant);
  const pausedNow = metAt === null && relevant.some(([, e]) => e === null);
  let status: SlaClockStatus;
  if (metAt !== null) status = dueAt !== null && metAt > dueAt ? 'breached' : 'met';
  else if (pausedNow || dueAt === null) status = 'paused';
  else status = dueAt <= at ? 'breached' : 'running';
  return { target, cycle, startedAt: start, dueAt, warnAt, metAt, status };
}

const PENDING_LIKE = (policy: ClockPolicy) => (s: TicketStatus) =>
  (policy.pauseWhenPending && s === 'pending') || (policy.pauseWhenSnoozed && s === 'snoozed');
const DONE = (s: TicketStatus) => s === 'resolved' || s === 'closed';

function merge(a: Interval[], b: Interval[]): Interval[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && (last[1] === null || s <= last[1])) {
      if (last[1] !== null) last[1] = e === null ? null : Math.max(last[1], e);
      continue;
    }
    out.push([s, e]);
  }
  return out;
}

/** Every clock the policy runs on the ticket as of `at`. */
export function computeClocks(policy: ClockPolicy, history: TicketHistory, at: number): Clock[] {
  const pauses = merge(intervalsWhere(history, PENDING_LIKE(policy)), intervalsWhere(history, DONE));
  const out: Clock[] = [];
  const firstReply = history.messages.find((m) => m.from === 'agent')?.at ?? null;
  if (policy.firstResponseMinutes !== null) {
    out.push(clock(policy, 'first_response', 0, history.createdAt, policy.firstResponseMinutes, pauses, firstReply, at));
  }
  if (policy.nextResponseMinutes !== null && firstReply !== null) {
    let waitingSince: number | null = null;
    let cycle = 0;
    for (const m of history.messages) {
      if (m.at <= firstReply) continue;
      if (m.from === 'customer' && waitingSince === null) waitingSince = m.at;
      else if (m.from === 'agent' && waitingSince !== null) {
        out.push(clock(policy, 'next_response', ++cycle, waitingSince, policy.nextResponseMinutes, pauses, m.at, at));
        waitingSince = null;
      }
    }
    if (waitingSince !== null) out.push(clock(policy, 'next_response', ++cycle, waitingSince, policy.nextResponseMinutes, pauses, null, at));
  }
  if (policy.resolutionMinutes !== null) {
    const pending = intervalsWhere(history, PENDING_LIKE(policy));
    const done = intervalsWhere(history, DONE);
    const last = done[done.length - 1];
    const resolvedAt = last && last[1] === null ? last[0] : null;
    // Time spent resolved before a reopen does not count against resolution either.
    const finished = resolvedAt === null ? done : done.slice(0, -1);
    out.push(clock(policy, 'resolution', 0, history.createdAt, policy.resolutionMinutes, merge(pending, finished), resolvedAt, at));
  }
  return out;
}
