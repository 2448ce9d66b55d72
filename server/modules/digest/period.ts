import { createTask } from 'node-cron';
import { zoneClock } from '../business-hours/zone-clock.js';
import type { Period } from '../reports/params.js';
import type { DigestSettings } from './settings.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A send missed while Kefu was stopped goes out on start if its time passed less than this long ago. */
const CATCH_UP_MINUTES = 24 * 60;

/** The latest minute at or before `at` (within the catch-up window) the schedule names, or null. */
export function lastScheduledMinute(settings: DigestSettings, at: number): number | null {
  // Never started: the task is only asked whether a minute matches, in the schedule's zone.
  const task = createTask(settings.schedule, () => undefined, { timezone: settings.timezone });
  const minute = Math.floor(at / MINUTE) * MINUTE;
  for (let i = 0; i <= CATCH_UP_MINUTES; i++) {
    const candidate = minute - i * MINUTE;
    if (task.match(new Date(candidate))) return candidate;
  }
  return null;
}

/** The seven local days before the day of `sendAt`, midnight to midnight in the zone (so 167 or 169 hours across a clock change). */
export function digestPeriod(timezone: string, sendAt: number): Period {
  const clock = zoneClock(timezone);
  const day = clock.dayOf(sendAt);
  return { from: clock.instantOf(day - 7, 0), to: clock.instantOf(day, 0) };
}

/** The period's first and last local days (YYYY-MM-DD), inclusive, as the Reports page takes them. */
export function periodDays(timezone: string, p: Period): { first: string; last: string } {
  const clock = zoneClock(timezone);
  const day = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);
  return { first: day(clock.dayOf(p.from)), last: day(clock.dayOf(p.to - 1)) };
}
