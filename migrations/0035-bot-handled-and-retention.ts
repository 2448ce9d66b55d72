import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Bot deflection in reports: bot_active is cleared when the bot hands over, so a chat the bot ever
// took is remembered on its own column (the deflection rate's denominator), kept at write time.
// Webhook delivery log retention: the webhooks admin settings (one JSON row), and the indexes the
// trimming jobs walk in small batches: old finished deliveries, old sent outbox rows.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('bot_handled', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update tickets set bot_handled = 1
    where bot_active = 1 or bot_deflected = 1
       or exists (select 1 from messages m where m.ticket_id = tickets.id and m.kind = 'bot')`.execute(db);

  await db.schema
    .createTable('webhook_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create index webhook_deliveries_finished on webhook_deliveries (updated_at) where status in ('delivered', 'failed')`.execute(db);
  await db.schema.createIndex('outbox_status_updated').on('outbox').columns(['status', 'updated_at']).execute();
}
