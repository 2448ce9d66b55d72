import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Business-hours calendars: rules, SLA clocks and widget channels name one by id. The weekly
// ranges, holidays and make-up workdays are JSON, always read and written whole with the calendar.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('business_hours')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('weekly', 'text', (c) => c.notNull())
    .addColumn('holidays', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('extra_workdays', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index business_hours_name on business_hours (name collate nocase)`.execute(db);
}
