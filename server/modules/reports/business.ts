import type { DbOrTx } from '../../db/database.js';
import type { RawRows } from '../../db/raw-rows.js';
import { BadRequest } from '../../http/errors.js';
import { businessMinutesBetween } from '../business-hours/business-time.js';
import type { Calendar } from '../business-hours/calendar.js';
import { findRow, toCalendar } from '../business-hours/queries.js';
import type { Period } from './params.js';
import { eachSpan } from './queries.js';
import type { Scope } from './scope.js';
import { Samples, type DurationStats } from './stats.js';

export interface BusinessFigures {
  businessHoursId: number;
  name: string;
  firstResponseTime: DurationStats;
  resolutionTime: DurationStats;
}

export async function calendarFor(db: DbOrTx, id: number): Promise<{ id: number; name: string; calendar: Calendar }> {
  const row = await findRow(db, id);
  if (!row) throw new BadRequest(`businessHoursId: no business hours ${id}`, { field: 'businessHoursId' });
  return { id, name: row.name, calendar: toCalendar(row) };
}

/**
 * First response and resolution times counted in the calendar's open hours, with the same arithmetic
 * as SLA clocks. Computed per ticket at read time, since the calendar is the reader's choice: a
 * ticket costs a few microseconds, so this is the slow variant of the report.
 */
export async function businessFigures(src: RawRows, p: Period, scope: Scope, cal: { id: number; name: string; calendar: Calendar }): Promise<BusinessFigures> {
  const measure = async (end: 'first_response_at' | 'resolved_at') => {
    const samples = new Samples();
    await eachSpan(src, p, scope, end, ([from, to]) => samples.add(Math.round(businessMinutesBetween(cal.calendar, from, to) * 60)));
    return samples.stats();
  };
  return { businessHoursId: cal.id, name: cal.name, firstResponseTime: await measure('first_response_at'), resolutionTime: await measure('resolved_at') };
}
