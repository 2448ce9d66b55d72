import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// CSAT surveys by email. csat_ratings stays the one store of ratings (reports read it), now saying
// where each came from; a survey is one row per ticket, so a ticket is surveyed at most once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('csat_ratings')
    .addColumn('source', 'text', (c) => c.notNull().defaultTo('widget').check(sql`source in ('widget','email')`))
    .execute();
  await db.schema.alterTable('csat_ratings').addColumn('scale', 'text', (c) => c.notNull().defaultTo('1-5')).execute();
  await db.schema.alterTable('csat_ratings').addColumn('contact_id', 'integer').execute();
  await db.schema.alterTable('csat_ratings').addColumn('survey_id', 'text').execute();
  // One rating per survey: a link prefetcher and the customer's own click cannot both count.
  await db.schema.createIndex('csat_ratings_survey').unique().on('csat_ratings').column('survey_id').execute();

  await db.schema
    .createTable('csat_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('csat_surveys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().unique().references('tickets.id').onDelete('cascade'))
    .addColumn('contact_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('scheduled','cancelled','sent','skipped')`))
    .addColumn('due_at', 'integer')
    .addColumn('sent_at', 'integer')
    .addColumn('skip_reason', 'text')
    .addColumn('language', 'text')
    .addColumn('scale', 'text', (c) => c.notNull().defaultTo('1-5'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  // The minute sweep reads only what is due.
  await sql`create index csat_surveys_due on csat_surveys (due_at) where status = 'scheduled'`.execute(db);
}
