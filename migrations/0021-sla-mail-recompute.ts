import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// A reminder may also go out by email; the notification tray counts unread rows per agent; and a
// policy change's re-computation of every open ticket runs in the background from a stored marker,
// so a restart part-way finishes the work instead of losing it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_reminders').addColumn('email', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`create index agent_notifications_unread on agent_notifications (agent_id) where read_at is null`.execute(db);
  // At most one row: the pending run. `generation` grows with each request, so a change made while
  // a run is under way sends it back to the first ticket rather than being lost.
  await db.schema
    .createTable('sla_recompute')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('after_ticket_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('requested_at', 'integer', (c) => c.notNull())
    .execute();
}
