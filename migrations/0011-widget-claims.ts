import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// What a widget visitor types (an email address) is a claim, not proof: contacts and visitors
// record whether their email was verified, so a typed address never joins a stranger to a customer.
// Unsent uploads are budgeted per IP, so an upload remembers the address it came from.
// A transcript is mailed once per chat, so the chat remembers when it was.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('widget_visitors').addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('widget_uploads').addColumn('ip', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('widget_conversations').addColumn('transcript_sent_at', 'integer').execute();
  await db.schema.createIndex('widget_uploads_ip').on('widget_uploads').columns(['ip', 'created_at']).execute();
  await db.schema.createIndex('widget_uploads_visitor').on('widget_uploads').column('visitor_id').execute();
  // Visitors identified before this migration had their email from identify(): that was proof.
  await sql`UPDATE widget_visitors SET email_verified = 1 WHERE external_id IS NOT NULL AND email IS NOT NULL`.execute(db);
}
