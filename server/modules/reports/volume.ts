import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows } from '../../db/raw-rows.js';
import { zoneClock } from '../business-hours/zone-clock.js';
import type { ReportQuery } from './params.js';
import { perQuarterHour } from './queries.js';
import { scopeOf } from './scope.js';

const QUARTER_HOUR = 900_000;
const DAY = 86_400_000;

export interface Volume {
  timezone: string;
  /** the zone's calendar days the period touches, YYYY-MM-DD */
  days: string[];
  created: number[];
  resolved: number[];
}

/** Tickets created and resolved per day of the zone's calendar, for the trend chart. */
export async function volume(database: AnyDatabase, q: ReportQuery): Promise<Volume> {
  const src = rawRows(database);
  const clock = zoneClock(q.timezone);
  const first = clock.dayOf(q.period.from);
  const last = clock.dayOf(q.period.to - 1);
  const days = Array.from({ length: last - first + 1 }, (_, i) => new Date((first + i) * DAY).toISOString().slice(0, 10));
  const scope = await scopeOf(src, q.filters);
  const count = async (column: 'created_at' | 'resolved_at') => {
    const out = new Array<number>(days.length).fill(0);
    for (const [bucket, n] of await perQuarterHour(src, q.period, scope, column)) {
      const i = clock.dayOf(bucket * QUARTER_HOUR) - first;
      if (i >= 0 && i < out.length) out[i]! += n;
    }
    return out;
  };
  return { timezone: q.timezone, days, created: await count('created_at'), resolved: await count('resolved_at') };
}
