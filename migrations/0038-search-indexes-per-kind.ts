import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// PostgreSQL's search (server/search/postgres-text-queries.ts) looks up one kind of document at a
// time, as SQLite does in its three FTS5 tables. Through the one GIN index over every kind, a
// word common in messages counted as common for contacts and subjects too: the planner either
// walked every contact's document newest first (366 ms at 200,000 tickets for a word no contact
// holds) or intersected the word's hits with all of a kind's rows. An index per kind answers for
// that kind alone; the queries name the kind as a literal so the planner can use it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await forDriver(db, {
    sqlite: [],
    postgres: [
      sql`create index search_documents_message_terms on search_documents using gin (terms) where kind = 'messages'`,
      sql`create index search_documents_ticket_terms on search_documents using gin (terms) where kind = 'tickets'`,
      sql`create index search_documents_contact_terms on search_documents using gin (terms) where kind = 'contacts'`,
      sql`drop index search_documents_terms`,
    ],
  });
}
