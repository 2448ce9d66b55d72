import { compileCalendar, type Calendar, type CompiledCalendar } from './calendar.js';
import { zoneClock, type ZoneClock } from './zone-clock.js';

/**
 * Business-time arithmetic on a calendar, with no database: what rules and SLA clocks call.
 * Every answer is a real instant, so DST changes shorten or lengthen a working day as they
 * do on the wall clock.
 */

/** How far ahead the search for an open minute goes before it gives up. */
const HORIZON_DAYS = 3 * 366;

export type CalendarLike = Calendar | CompiledCalendar;

const compiled = new WeakMap<Calendar, CompiledCalendar>();

function compile(calendar: CalendarLike): CompiledCalendar {
  if (Array.isArray(calendar.weekly)) return calendar as CompiledCalendar;
  const plain = calendar as Calendar;
  let found = compiled.get(plain);
  if (!found) {
    found = compileCalendar(plain);
    compiled.set(plain, found);
  }
  return found;
}

/** The ranges that start on local day `day`: its extra-workday hours, none on a holiday, else its weekday's. */
function rangesOn(cal: CompiledCalendar, day: number): Array<[number, number]> {
  const extra = cal.extra.get(day);
  if (extra) return extra;
  if (cal.holidays.has(day)) return [];
  // Day 0 (1970-01-01) was a Thursday.
  return cal.weekly[(((day + 4) % 7) + 7) % 7]!;
}

/**
 * Open intervals [start, end) in instants, in order and merged, beginning with the one that
 * contains or follows `from`. A shift belongs to the day it starts on, so a holiday closes the
 * shifts starting that day but not the night shift that began the evening before.
 */
function* openIntervals(cal: CompiledCalendar, clock: ZoneClock, from: number): Generator<[number, number]> {
  const first = clock.dayOf(from) - 1;
  let pending: [number, number] | null = null;
  for (let day = first; day <= first + HORIZON_DAYS; day++) {
    for (const [a, b] of rangesOn(cal, day)) {
      const start = clock.instantOf(day, a);
      const end = clock.instantOf(day, b);
      if (end <= start || end <= from) continue;
      if (pending && start <= pending[1]) {
        pending[1] = Math.max(pending[1], end);
        continue;
      }
      if (pending) yield pending;
      pending = [start, end];
    }
  }
  if (pending) yield pending;
}

function instantOf(at: Date | number): number {
  return typeof at === 'number' ? at : at.getTime();
}

/** Whether the calendar is open at `at`. */
export function isOpenAt(calendar: CalendarLike, at: Date | number): boolean {
  const cal = compile(calendar);
  const t = instantOf(at);
  for (const [start] of openIntervals(cal, zoneClock(cal.timezone), t)) return start <= t;
  return false;
}

/** `at` itself when open, else the next instant the calendar opens; null if it never does. */
export function nextOpenAt(calendar: CalendarLike, at: Date | number): Date | null {
  const cal = compile(calendar);
  const t = instantOf(at);
  for (const [start] of openIntervals(cal, zoneClock(cal.timezone), t)) return new Date(Math.max(start, t));
  return null;
}

/** The instant `minutes` of open time after `start`: a due time. Null if the calendar never has that much. */
export function addBusinessMinutes(calendar: CalendarLike, start: Date | number, minutes: number): Date | null {
  if (!(minutes >= 0)) throw new RangeError('minutes must be zero or more');
  const cal = compile(calendar);
  const t = instantOf(start);
  let left = minutes * 60_000;
  for (const [a, b] of openIntervals(cal, zoneClock(cal.timezone), t)) {
    const from = Math.max(a, t);
    if (left <= b - from) return new Date(from + left);
    left -= b - from;
  }
  return null;
}

/** Minutes of open time between `a` and `b` (negative when b is before a), fractions included. */
export function businessMinutesBetween(calendar: CalendarLike, a: Date | number, b: Date | number): number {
  const ta = instantOf(a);
  const tb = instantOf(b);
  if (tb < ta) return -businessMinutesBetween(calendar, tb, ta);
  const cal = compile(calendar);
  let total = 0;
  for (const [start, end] of openIntervals(cal, zoneClock(cal.timezone), ta)) {
    if (start >= tb) break;
    total += Math.min(end, tb) - Math.max(start, ta);
  }
  return total / 60_000;
}
