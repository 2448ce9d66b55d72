import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// An agent's write sent with an Idempotency-Key is answered once: a retry with the same key
// (a flaky network, a double click, an integration's retry loop) gets the stored answer instead
// of a second reply to the customer. Keys are per agent and kept for a day.
export async function up(db: Kysely<unknown>): Promise<void> {
  await forDriver(db, {
    sqlite: sql`create table idempotency_keys (
    agent_id integer not null references agents (id) on delete cascade,
    key text not null,
    request_hash text not null,
    status_code integer,
    response text,
    created_at integer not null,
    primary key (agent_id, key)
  )`,
    // The same table with bigint integers: created_at is in milliseconds, past int4.
    postgres: sql`create table idempotency_keys (
      agent_id bigint not null references agents (id) on delete cascade,
      key text not null,
      request_hash text not null,
      status_code bigint,
      response text,
      created_at bigint not null,
      primary key (agent_id, key)
    )`,
  });
  await db.schema.createIndex('idempotency_keys_created').on('idempotency_keys').column('created_at').execute();
}
