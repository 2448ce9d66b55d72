import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  // Every Message-ID we received or sent, so replies thread by In-Reply-To / References and a
  // bounce finds the outbound message it is about. The ticket is found through the message, so
  // a ticket merge (which moves messages) keeps threading intact.
  await db.schema
    .createTable('email_message_ids')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('kefu_message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in','out')`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_message_ids_pk', ['message_id', 'channel_name'])
    .execute();
  await db.schema.createIndex('email_message_ids_message').on('email_message_ids').column('kefu_message_id').execute();

  // Where each IMAP mailbox is: restarts resume after the last imported UID of the same UIDVALIDITY.
  await db.schema
    .createTable('email_mailbox_state')
    .addColumn('channel_name', 'text', (c) => c.primaryKey())
    .addColumn('folder', 'text', (c) => c.notNull())
    .addColumn('uidvalidity', 'integer')
    .addColumn('last_uid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('connected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_sync_at', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'integer')
    .addColumn('imported_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  // Auto-acknowledgements sent, for the per-sender rate limit.
  await db.schema
    .createTable('email_auto_acks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('sent_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_auto_acks_sender')
    .on('email_auto_acks')
    .columns(['channel_name', 'sender', 'sent_at'])
    .execute();
  await db.schema.createIndex('email_auto_acks_ticket').on('email_auto_acks').column('ticket_id').execute();
}
