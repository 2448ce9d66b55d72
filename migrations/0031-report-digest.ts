import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The weekly report digest: its settings (one JSON row, edited in the admin UI) and one row per
// period sent, claimed before any mail is queued, so overlapping runs and restarts send it once.
// Agents' presence history: one interval per stretch online or away, for time online in reports.
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

  await db.schema
    .createTable('agent_presence_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('online','away')`))
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'integer')
    .execute();
  // Reports read the intervals overlapping a range; a change closes the agent's open one.
  await db.schema.createIndex('agent_presence_log_started').on('agent_presence_log').columns(['started_at', 'ended_at']).execute();
  await sql`create index agent_presence_log_open on agent_presence_log (agent_id) where ended_at is null`.execute(db);
}
