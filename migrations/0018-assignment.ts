import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Automatic assignment. Settings per team (team_id 0 is the default for tickets without a team),
// read and written whole as JSON; the round-robin cursor beside them. Agents' languages and skill
// labels and when each last got a ticket (ties in least-loaded go to the longest idle). Per ticket:
// since when it waits in its team's queue, and who automation gave it to and when (pick-up timeout).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('assignment_settings')
    .addColumn('team_id', 'integer', (c) => c.primaryKey())
    .addColumn('mode', 'text', (c) => c.notNull().defaultTo('off'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('rr_last_agent_id', 'integer')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('assignment_agents')
    .addColumn('agent_id', 'integer', (c) => c.primaryKey().references('agents.id').onDelete('cascade'))
    .addColumn('languages', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('skills', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_assigned_at', 'integer')
    .execute();
  await db.schema
    .createTable('assignment_tickets')
    .addColumn('ticket_id', 'integer', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.notNull())
    .addColumn('waiting_since', 'integer')
    .addColumn('assigned_agent_id', 'integer')
    .addColumn('assigned_at', 'integer')
    .addColumn('picked_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('passed_over', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await sql`create index assignment_tickets_waiting on assignment_tickets (team_id, waiting_since) where waiting_since is not null`.execute(db);
  // Each decision counts the team's open tickets per agent and channel: covered by this index alone.
  await sql`create index tickets_assignee_load on tickets (assignee_id, status, channel_kind)`.execute(db);
  await sql`create index assignment_tickets_pickup on assignment_tickets (assigned_at) where picked_up = 0 and assigned_at is not null`.execute(db);
}

