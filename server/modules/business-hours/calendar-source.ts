import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../../db/database.js';
import type { BusinessHoursRow } from './queries.js';

export type CalendarRow = Pick<BusinessHoursRow, 'timezone' | 'weekly' | 'holidays' | 'extra_workdays'>;

/**
 * Where the directory reads calendars, synchronously: "is the widget open right now?" is asked
 * on paths that cannot wait. One implementation per database driver.
 */
export interface CalendarSource {
  /** The first calendar made (the desk's default), or null when there is none. */
  firstId(): number | null;
  row(id: number): CalendarRow | undefined;
  /** A calendar was written; a source holding copies reads them again, settling when it has. */
  changed(): Promise<void> | undefined;
}

/** SQLite answers synchronously: two prepared statements, read when asked. */
export function sqliteCalendarSource(sqlite: BetterSqlite3.Database): CalendarSource {
  const select = sqlite.prepare<[number], CalendarRow>('select timezone, weekly, holidays, extra_workdays from business_hours where id = ?');
  const first = sqlite.prepare<[], { id: number }>('select id from business_hours order by id limit 1');
  return {
    firstId: () => first.get()?.id ?? null,
    row: (id) => select.get(id),
    changed: () => undefined,
  };
}

/**
 * PostgreSQL cannot answer synchronously, so every calendar is held in memory (a desk has a
 * handful) and read again after a change. Until that reload lands, a read sees the calendar as
 * it was. A change made by another process is not seen until this one reloads (issue #19: a
 * NOTIFY on business_hours writes).
 */
export async function snapshotCalendarSource(db: Db): Promise<CalendarSource> {
  const load = async () =>
    new Map(
      (await db.selectFrom('business_hours').select(['id', 'timezone', 'weekly', 'holidays', 'extra_workdays']).orderBy('id').execute()).map(
        ({ id, ...row }) => [id, row] as const,
      ),
    );
  let rows = await load();
  let reloading: Promise<void> = Promise.resolve();
  return {
    firstId: () => rows.keys().next().value ?? null,
    row: (id) => rows.get(id),
    changed() {
      // A failed reload keeps the copy it had; the next change tries again.
      reloading = reloading.then(async () => {
        rows = await load();
      }).catch(() => undefined);
      return reloading;
    },
  };
}
