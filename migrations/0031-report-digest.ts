import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The weekly report digest: its settings (one JSON row, edited in the admin UI) and one row per
// period sent, claimed before any mail is queued, so overlapping runs and restarts send it once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_digests')
    .addColumn('period_start', 'integer', (c) => c.primaryKey())
    .addColumn('period_end', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('sent','skipped')`))
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('skip_reason', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
}
