import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('widget_visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('language', 'text')
    .addColumn('contact_id', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('last_seen_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index widget_visitors_external on widget_visitors (channel, external_id) where external_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('widget_conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('widget_visitors.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','ended')`))
    .addColumn('offline', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('visitor_read_at', 'integer')
    .addColumn('agent_read_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'integer')
    .addColumn('last_message_at', 'integer')
    .execute();
  await db.schema.createIndex('widget_conversations_visitor').on('widget_conversations').columns(['visitor_id', 'status']).execute();
  await db.schema.createIndex('widget_conversations_ticket').on('widget_conversations').column('ticket_id').execute();

  // What the visitor was shown: their own messages and agent replies, never internal notes.
  await db.schema
    .createTable('widget_messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('widget_conversations.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull())
    .addColumn('ticket_message_id', 'integer')
    .addColumn('client_id', 'text')
    .addColumn('author_kind', 'text', (c) => c.notNull().check(sql`author_kind in ('visitor','agent','system')`))
    .addColumn('author_name', 'text')
    .addColumn('author_avatar', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index widget_messages_client on widget_messages (visitor_id, client_id) where client_id is not null`.execute(db);
  await sql`create unique index widget_messages_ticket_message on widget_messages (ticket_message_id) where ticket_message_id is not null`.execute(
    db,
  );
  await db.schema.createIndex('widget_messages_visitor').on('widget_messages').columns(['visitor_id', 'id']).execute();

  await db.schema
    .createTable('widget_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('widget_visitors.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('csat_ratings')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.unique())
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 1 and 5`))
    .addColumn('comment', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('csat_ratings_ticket').on('csat_ratings').column('ticket_id').execute();
}
