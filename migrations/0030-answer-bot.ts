import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The answer bot in the chat widget: its settings per widget channel, and on a chat's ticket
// whether the bot is handling it (assignment waits) and whether the bot closed it as solved.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('bot_settings')
    .addColumn('channel', 'text', (c) => c.primaryKey())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('threshold', 'real', (c) => c.notNull().defaultTo(0.6))
    .addColumn('max_offers', 'integer', (c) => c.notNull().defaultTo(3).check(sql`max_offers between 2 and 3`))
    .addColumn('greetings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('tickets').addColumn('bot_active', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tickets').addColumn('bot_deflected', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // What a bot message offered (articles, buttons), for the widget to draw; null on every other message.
  await db.schema.alterTable('widget_messages').addColumn('bot', 'text').execute();
}
