import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The agent websocket journal: every ticket/contact event with a cursor that only grows
// (AUTOINCREMENT never reuses a pruned value), so a reconnecting agent can ask for what it missed.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('realtime_events')
    .addColumn('cursor', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    // Who may see it, copied from the event, so a replay is filtered without joins.
    // ticket_id null: not about one ticket (contact events), everyone sees it.
    .addColumn('ticket_id', 'integer')
    .addColumn('assignee_id', 'integer')
    .addColumn('team_id', 'integer')
    .addColumn('previous_assignee_id', 'integer')
    .addColumn('previous_team_id', 'integer')
    .addColumn('has_previous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create index realtime_events_created on realtime_events (created_at)`.execute(db);
}
