import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../server/db/database.js';
import { migrateToLatest } from '../../../../server/db/migrate.js';
import { connectPostgres } from '../../../../server/db/postgres-startup.js';
import { sqliteCalendarSource, snapshotCalendarSource, type CalendarSource } from '../../../../server/modules/business-hours/calendar-source.js';
import { BusinessHoursDirectory } from '../../../../server/modules/business-hours/directory.js';
import { insertRow, toColumns, updateRow } from '../../../../server/modules/business-hours/queries.js';
import type { Calendar } from '../../../../server/modules/business-hours/calendar.js';
import { tempDir } from '../../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../../helpers/postgres.js';

const dir = tempDir('kefu-calendar-source-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const week = (open: string): Calendar => ({
  timezone: 'Asia/Shanghai',
  weekly: { mon: [{ from: open, to: '18:00' }] },
  holidays: [],
  extraWorkdays: [],
});

/** What the directory answers, over a source, before and after a calendar is changed. */
async function exercise(db: Db, open: () => Promise<CalendarSource>): Promise<unknown> {
  // The reload a change starts, so the test waits for it rather than for time to pass.
  let reload: Promise<void> | undefined;
  const source = async (): Promise<CalendarSource> => {
    const inner = await open();
    return { ...inner, changed: () => (reload = inner.changed()) };
  };
  const empty = new BusinessHoursDirectory(await source());
  const none = empty.defaultCalendar();
  const first = await insertRow(db, toColumns('Office', week('09:00')), 1);
  const second = await insertRow(db, toColumns('Night', week('20:00')), 2);
  const directory = new BusinessHoursDirectory(await source());
  const before = { default: directory.defaultCalendar()?.weekly, second: directory.calendar(second.id)?.timezone, missing: directory.calendar(999) };
  await updateRow(db, first.id, toColumns('Office', week('10:00')), 3);
  directory.forget(first.id);
  // Read before a snapshot's reload lands (the old copy, compiled and cached): the reload must drop it.
  directory.defaultCalendar();
  await reload;
  return { none, before, after: directory.defaultCalendar()?.weekly };
}

describe.skipIf(postgresUnavailable() !== null)('business-hours calendars on both drivers', () => {
  const postgres = usePostgres();

  it('reads the same calendars through the SQLite statements and the PostgreSQL snapshot, and sees a change', async () => {
    const sqlite = openDatabase(path.join(dir, 'kefu.sqlite'));
    await migrateToLatest(sqlite, path.join(dir, 'backups'));
    const onSqlite = await exercise(sqlite.db, async () => sqliteCalendarSource(sqlite.sqlite)).finally(() => sqlite.close());

    const pg = await connectPostgres({ url: await postgres.freshDatabase(), poolSize: 2 });
    await migrateToLatest(pg, '');
    const onPostgres = await exercise(pg.db, () => snapshotCalendarSource(pg.db)).finally(() => pg.close());

    expect(onPostgres).toEqual(onSqlite);
    expect(onSqlite).toMatchObject({ none: null, before: { second: 'Asia/Shanghai', missing: null } });
    expect((onSqlite as { after: unknown }).after).not.toEqual((onSqlite as { before: { default: unknown } }).before.default);
  });
});
