import { Type, type Static } from '@sinclair/typebox';
import { WEEKDAYS } from './calendar.js';
import { toCalendar, type BusinessHoursRow } from './queries.js';

export const TimeRangeSchema = Type.Object(
  {
    from: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM in the calendar time zone' }),
    to: Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM; 24:00 is midnight, and a time before `from` ends the next morning' }),
  },
  { additionalProperties: false },
);
const Ranges = Type.Array(TimeRangeSchema, { maxItems: 12 });
const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const WeeklySchema = Type.Object(Object.fromEntries(WEEKDAYS.map((d) => [d, Type.Optional(Ranges)])), {
  additionalProperties: false,
  description: 'Working hours per weekday; a day left out is closed.',
});
export const HolidaySchema = Type.Object(
  { date: DateString, name: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
export const ExtraWorkdaySchema = Type.Object({ date: DateString, hours: Ranges }, { additionalProperties: false });

export const BusinessHoursSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  timezone: Type.String({ description: 'IANA time zone, e.g. Asia/Shanghai' }),
  weekly: WeeklySchema,
  holidays: Type.Array(HolidaySchema, { description: 'Each date is closed.' }),
  extraWorkdays: Type.Array(ExtraWorkdaySchema, { description: 'Each date opens with its own hours (make-up workdays).' }),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type BusinessHoursView = Static<typeof BusinessHoursSchema>;

export function presentBusinessHours(row: BusinessHoursRow): BusinessHoursView {
  return { id: row.id, name: row.name, ...toCalendar(row), createdAt: row.created_at, updatedAt: row.updated_at };
}
