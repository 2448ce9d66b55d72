import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
// WhatsApp and SMS report a message as read, so delivery_status gains 'read'; and a provider's
// status callback names its own message id, kept here so it finds our message.
export async function up(db: Kysely<unknown>): Promise<void> {
  await widenDeliveryCheck(db);
  await db.schema
    .createTable('channel_message_refs')
    .addColumn('channel_kind', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_message_refs_pk', ['channel_kind', 'channel_name', 'provider_id'])
    .execute();
  await db.schema.createIndex('channel_message_refs_message').on('channel_message_refs').column('message_id').execute();
}

/**
 * SQLite cannot alter a CHECK constraint, and rebuilding `messages` would mean redoing every trigger
 * and foreign key that points at it. Loosening a CHECK does not change how rows are stored, so
 * SQLite's documented way is to edit the table's stored definition and bump schema_version
 * (sqlite.org/lang_altertable.html, "other kinds of table schema changes"); the migrator allows
 * writable_schema while migrations run.
 */
async function widenDeliveryCheck(db: Kysely<unknown>): Promise<void> {
  const before = `delivery_status in ('queued','sent','delivered','failed')`;
  const after = `delivery_status in ('queued','sent','delivered','read','failed')`;
  if (isPostgres(db)) {
    // PostgreSQL alters a CHECK in place; an unnamed column check is named <table>_<column>_check.
    await sql.raw(`alter table messages drop constraint messages_delivery_status_check,
      add constraint messages_delivery_status_check check (delivery_status is null or ${after})`).execute(db);
    return;
  }
  const { rows } = await sql<{ schema_version: number }>`pragma schema_version`.execute(db);
  const version = rows[0]?.schema_version ?? 0;
  await sql`pragma writable_schema = on`.execute(db);
  await sql`update sqlite_schema set sql = replace(sql, ${before}, ${after}) where type = 'table' and name = 'messages'`.execute(db);
  await sql.raw(`pragma schema_version = ${version + 1}`).execute(db);
  await sql`pragma writable_schema = off`.execute(db);
}
