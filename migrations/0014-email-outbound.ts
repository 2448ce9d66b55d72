import type { Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// One row per outbox job that leaves by email: the Message-ID it was given on its first try
// (reused on every retry), the ticket it belongs to (so a reply to an acknowledgement or any other
// mail Kefu sent threads by In-Reply-To), and how far the hand-off to the SMTP server got. A job
// whose body began to go out but whose 250 never came back is not sent again blindly.
// Also an index for the per-mailbox budget of automatic mail.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('email_outbound')
    .addColumn('outbox_id', 'integer', (c) => c.primaryKey().references('outbox.id').onDelete('cascade'))
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('kefu_message_id', 'integer', (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('data_started_at', 'integer')
    .addColumn('accepted_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_outbound_message_id').on('email_outbound').column('message_id').execute();
  await db.schema.createIndex('email_outbound_ticket').on('email_outbound').column('ticket_id').execute();

  // The budget of automatic mail counts a whole mailbox's recent acknowledgements, whoever they went to.
  await db.schema.createIndex('email_auto_acks_channel').on('email_auto_acks').columns(['channel_name', 'sent_at']).execute();
}
