import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// Indexes the benchmark at 200,000 tickets / 1,000,000 messages showed missing (tests/bench).
export async function up(db: Kysely<unknown>): Promise<void> {
  // Priority sort of the "mine", "unassigned" and "team" lists: without these SQLite sorts
  // every open ticket of the assignee/team (29 ms for the unassigned list at 200k tickets).
  await sql`create index tickets_assignee_priority on tickets (assignee_id, status, priority_rank, last_activity_at, id)`.execute(db);
  await sql`create index tickets_team_priority on tickets (team_id, status, priority_rank, last_activity_at, id)`.execute(db);
  // Search checks each candidate message's ticket scope; these answer it from small index pages
  // instead of reading every message and ticket row (message rows carry the whole text).
  await sql`create index messages_id_ticket on messages (id, ticket_id)`.execute(db);
  await sql`create index tickets_id_scope on tickets (id, assignee_id, team_id)`.execute(db);
}
