import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Several processes on one PostgreSQL database number tickets from a sequence: the highest number
// plus one, which SQLite's single writer keeps using, is read alike by concurrent transactions.
export async function up(db: Kysely<unknown>): Promise<void> {
  await forDriver(db, {
    sqlite: [],
    postgres: [
      sql`create sequence ticket_numbers as bigint minvalue 1001`,
      sql`select setval('ticket_numbers', (select coalesce(max(number), 1000) + 1 from tickets), false)`,
    ],
  });
}
