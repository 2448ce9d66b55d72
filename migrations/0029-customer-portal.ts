import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The customer portal: one-time sign-in links and the sessions they open, both stored as hashes
// so a copy of the database opens nobody's tickets.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portal_login_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'integer', (c) => c.references('contacts.id').onDelete('cascade'))
    .addColumn('claim_contact_id', 'integer', (c) => c.references('contacts.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'integer')
    .execute();
  await sql`create index portal_login_links_expiry on portal_login_links (expires_at)`.execute(db);

  await db.schema
    .createTable('portal_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create index portal_sessions_contact on portal_sessions (contact_id)`.execute(db);
}
