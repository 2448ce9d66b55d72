import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Several processes on one PostgreSQL database share what one process kept in memory:
// - realtime_relay: an event too large for a NOTIFY payload, read by id by the other processes
//   and pruned after a minute;
// - rate_limit_hits: each limiter's count per key and its window's end.
// SQLite is one process: nothing to share, no tables.
export async function up(db: Kysely<unknown>): Promise<void> {
  await forDriver(db, {
    sqlite: [],
    postgres: [
      sql`create table realtime_relay (
        id bigint generated always as identity primary key,
        payload text not null,
        created_at bigint not null
      )`,
      sql`create index realtime_relay_created on realtime_relay (created_at)`,
      sql`create table rate_limit_hits (
        limiter text not null,
        key text not null,
        count integer not null,
        reset_at bigint not null,
        primary key (limiter, key)
      )`,
      sql`create index rate_limit_hits_reset on rate_limit_hits (reset_at)`,
    ],
  });
}
