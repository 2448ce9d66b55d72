import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { Calendar } from './calendar.js';
import type { BusinessHoursTable } from './tables.js';

export type BusinessHoursRow = Selectable<BusinessHoursTable>;

export const listRows = (db: DbOrTx): Promise<BusinessHoursRow[]> => db.selectFrom('business_hours').selectAll().orderBy('name').execute();

export const findRow = (db: DbOrTx, id: number): Promise<BusinessHoursRow | undefined> =>
  db.selectFrom('business_hours').selectAll().where('id', '=', id).executeTakeFirst();

export const findIdByName = async (db: DbOrTx, name: string): Promise<number | undefined> =>
  (
    await db
      .selectFrom('business_hours')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst()
  )?.id;

export interface CalendarColumns {
  name: string;
  timezone: string;
  weekly: string;
  holidays: string;
  extra_workdays: string;
}

export function toColumns(name: string, calendar: Calendar): CalendarColumns {
  return {
    name,
    timezone: calendar.timezone,
    weekly: JSON.stringify(calendar.weekly),
    holidays: JSON.stringify(calendar.holidays),
    extra_workdays: JSON.stringify(calendar.extraWorkdays),
  };
}

export function toCalendar(row: Pick<BusinessHoursRow, 'timezone' | 'weekly' | 'holidays' | 'extra_workdays'>): Calendar {
  return {
    timezone: row.timezone,
    weekly: JSON.parse(row.weekly) as Calendar['weekly'],
    holidays: JSON.parse(row.holidays) as Calendar['holidays'],
    extraWorkdays: JSON.parse(row.extra_workdays) as Calendar['extraWorkdays'],
  };
}

export const insertRow = (db: DbOrTx, columns: CalendarColumns, at: number): Promise<BusinessHoursRow> =>
  db
    .insertInto('business_hours')
    .values({ ...columns, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();

export const updateRow = (db: DbOrTx, id: number, columns: CalendarColumns, at: number): Promise<BusinessHoursRow> =>
  db
    .updateTable('business_hours')
    .set({ ...columns, updated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

export const deleteRow = async (db: DbOrTx, id: number): Promise<void> => {
  await db.deleteFrom('business_hours').where('id', '=', id).execute();
};
