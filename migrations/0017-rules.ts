import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Automation rules. Deleted rules are kept (deleted_at) so the audit log and timeline still name them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rules')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('stop_processing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('deleted_at', 'integer')
    .execute();
  await sql`create index rules_active on rules (event, position) where deleted_at is null`.execute(db);

  // One line per (time rule, ticket, anchor time): a time rule fires once per anchor, however often the job runs.
  await db.schema
    .createTable('rule_time_fires')
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('rules.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('anchor', 'integer', (c) => c.notNull())
    .addColumn('fired_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_time_fires_pk', ['rule_id', 'ticket_id', 'anchor'])
    .execute();

  // Auto-replies sent, counted per contact and day to cap them.
  await db.schema
    .createTable('rule_auto_replies')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('rules.id').onDelete('cascade'))
    .addColumn('sent_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rule_auto_replies_contact').on('rule_auto_replies').columns(['contact_id', 'sent_at']).execute();
}
