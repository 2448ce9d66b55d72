import { dayNumber, isTimeZone } from './zone-clock.js';

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** "HH:MM"; `to` may be "24:00", and a `to` before `from` ends the next morning. */
export interface TimeRange {
  from: string;
  to: string;
}

export interface Calendar {
  timezone: string;
  /** A day missing here is closed. */
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  /** Each date (YYYY-MM-DD, in the calendar's zone) is closed. */
  holidays: Array<{ date: string; name?: string | undefined }>;
  /** Each date opens with its own hours, whatever the weekday (make-up workdays). */
  extraWorkdays: Array<{ date: string; hours: TimeRange[] }>;
}

/** A calendar reduced to numbers: minutes since local midnight, and dates as day numbers. */
export interface CompiledCalendar {
  timezone: string;
  weekly: Array<Array<[number, number]>>;
  holidays: Set<number>;
  extra: Map<number, Array<[number, number]>>;
}

/** One problem with a calendar, naming the field the way the API error does. */
export class CalendarProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const TIME = /^(\d{2}):(\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function minutesOf(value: string, field: string, allowEnd: boolean): number {
  const m = TIME.exec(value);
  const h = Number(m?.[1]);
  const min = Number(m?.[2]);
  const ok = m !== null && min < 60 && (h < 24 || (allowEnd && h === 24 && min === 0));
  if (!ok) throw new CalendarProblem(field, `"${value}" is not a time of day (HH:MM)`);
  return h * 60 + min;
}

function checkDate(value: string, field: string): number {
  const day = DATE.test(value) ? dayNumber(value) : NaN;
  if (!Number.isFinite(day) || new Date(day * 86_400_000).toISOString().slice(0, 10) !== value) {
    throw new CalendarProblem(field, `"${value}" is not a date (YYYY-MM-DD)`);
  }
  return day;
}

/** Ranges as [start, end) minutes, end past 1440 when the range runs past midnight. */
function compileRanges(ranges: TimeRange[], field: string): Array<[number, number]> {
  const out = ranges.map((r, i): [number, number] => {
    const from = minutesOf(r.from, `${field}[${i}].from`, false);
    const to = minutesOf(r.to, `${field}[${i}].to`, true);
    if (from === to) throw new CalendarProblem(`${field}[${i}]`, 'a range must not start and end at the same time');
    return [from, to < from ? to + 1440 : to];
  });
  const sorted = [...out].sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]![0] < sorted[i - 1]![1]) throw new CalendarProblem(field, 'ranges overlap');
  }
  return sorted;
}

/** Checks every field and reduces the calendar to numbers; throws the first CalendarProblem. */
export function compileCalendar(calendar: Calendar): CompiledCalendar {
  if (!isTimeZone(calendar.timezone)) throw new CalendarProblem('timezone', `"${calendar.timezone}" is not an IANA time zone`);
  const weekly = WEEKDAYS.map((day) => compileRanges(calendar.weekly[day] ?? [], `weekly.${day}`));
  // A range past midnight must not run into the next day's first range.
  weekly.forEach((ranges, i) => {
    const spill = Math.max(0, ...ranges.map(([, end]) => end - 1440));
    const next = weekly[(i + 1) % 7]![0];
    if (next && spill > next[0]) throw new CalendarProblem(`weekly.${WEEKDAYS[i]!}`, `a range past midnight overlaps ${WEEKDAYS[(i + 1) % 7]!}`);
  });
  const holidays = new Set<number>();
  calendar.holidays.forEach((h, i) => {
    const day = checkDate(h.date, `holidays[${i}].date`);
    if (holidays.has(day)) throw new CalendarProblem(`holidays[${i}].date`, `${h.date} is listed twice`);
    holidays.add(day);
  });
  const extra = new Map<number, Array<[number, number]>>();
  calendar.extraWorkdays.forEach((w, i) => {
    const day = checkDate(w.date, `extraWorkdays[${i}].date`);
    if (extra.has(day)) throw new CalendarProblem(`extraWorkdays[${i}].date`, `${w.date} is listed twice`);
    if (holidays.has(day)) throw new CalendarProblem(`extraWorkdays[${i}].date`, `${w.date} is also a holiday`);
    if (w.hours.length === 0) throw new CalendarProblem(`extraWorkdays[${i}].hours`, 'an extra workday needs hours');
    extra.set(day, compileRanges(w.hours, `extraWorkdays[${i}].hours`));
  });
  if (weekly.every((r) => r.length === 0) && extra.size === 0) {
    throw new CalendarProblem('weekly', 'the calendar has no working hours at all');
  }
  return { timezone: calendar.timezone, weekly, holidays, extra };
}
