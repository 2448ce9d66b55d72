import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Several processes on one PostgreSQL database share agent presence: a row per agent and process
// holding some of that agent's websockets, refreshed while the process lives; a row not refreshed
// within the timeout belongs to a process that died and is ignored. SQLite is one process: its
// presence stays in memory, no table.
export async function up(db: Kysely<unknown>): Promise<void> {
  await forDriver(db, {
    sqlite: [],
    postgres: [
      sql`create table agent_presence (
        agent_id integer not null references agents (id) on delete cascade,
        process text not null,
        status text not null check (status in ('online', 'away')),
        seen_at bigint not null,
        primary key (agent_id, process)
      )`,
      sql`create index agent_presence_seen on agent_presence (seen_at)`,
    ],
  });
}
