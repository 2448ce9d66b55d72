import type { AnyDatabase } from '../../db/postgres.js';
import { rawRows } from '../../db/raw-rows.js';
import { zoneClock } from '../business-hours/zone-clock.js';
import type { ReportQuery } from './params.js';
import { perQuarterHour } from './queries.js';
import { scopeOf } from './scope.js';

const QUARTER_HOUR = 900_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Heatmap {
  timezone: string;
  /** cells[weekday][hour]: tickets created; weekday 0 is Monday, hours on the zone's wall clock */
  cells: number[][];
  total: number;
  max: number;
}

/**
 * SQLite knows no time zones, so the database counts per UTC quarter hour (every zone's offset is a whole number
 * of quarter hours) and each quarter hour is moved to the zone's weekday and hour here: at most
 * 35,000 buckets for a year, whatever the number of tickets, and right on both sides of a DST change.
 */
export async function heatmap(database: AnyDatabase, q: ReportQuery): Promise<Heatmap> {
  const src = rawRows(database);
  const clock = zoneClock(q.timezone);
  const cells = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let total = 0;
  for (const [bucket, n] of await perQuarterHour(src, q.period, await scopeOf(src, q.filters))) {
    const start = bucket * QUARTER_HOUR;
    const wall = start + clock.offsetAt(start);
    const day = Math.floor(wall / DAY);
    // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
    const weekday = (((day + 3) % 7) + 7) % 7;
    const hour = Math.floor((wall - day * DAY) / HOUR);
    cells[weekday]![hour]! += n;
    total += n;
  }
  return { timezone: q.timezone, cells, total, max: Math.max(0, ...cells.flat()) };
}
