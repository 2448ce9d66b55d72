import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The "created" sort of the mine, unassigned and team lists, and of a restricted agent's "all"
// (one branch per assignee and team): with only tickets_status_created SQLite walked every
// ticket of the status newest first and read each row to test its assignee or team, 60 ms of
// CPU for an agent's list at 200,000 tickets. These match the activity and priority indexes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index tickets_assignee_created on tickets (assignee_id, status, created_at, id)`.execute(db);
  await sql`create index tickets_team_created on tickets (team_id, status, created_at, id)`.execute(db);
}
