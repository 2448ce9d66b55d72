import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// SLA policies, the due times they put on tickets, and one row per target clock: the row is both
// what the escalation sweep claims (warned_at / breach_fired_at, set once by a conditional UPDATE)
// and the met / breached history reports read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sla_policies')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('conditions', 'text', (c) => c.notNull().defaultTo('{"all":[]}'))
    .addColumn('business_hours_id', 'integer', (c) => c.references('business_hours.id').onDelete('restrict'))
    .addColumn('pause_when_pending', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('pause_when_snoozed', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('first_response_minutes', 'integer')
    .addColumn('next_response_minutes', 'integer')
    .addColumn('resolution_minutes', 'integer')
    .addColumn('warning_minutes', 'integer')
    .addColumn('warning_percent', 'integer')
    .addColumn('escalation', 'text', (c) => c.notNull().defaultTo('{"warning":[],"breach":[]}'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index sla_policies_name on sla_policies (name collate nocase)`.execute(db);

  for (const column of ['sla_policy_id', 'first_response_due_at', 'next_response_due_at', 'resolution_due_at', 'sla_due_at', 'sla_warn_at']) {
    await db.schema.alterTable('tickets').addColumn(column, 'integer').execute();
  }
  await db.schema.alterTable('tickets').addColumn('sla_breached', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // "Due soonest" and "breaching soon" walk this; tickets without a running clock stay out of it.
  await sql`create index tickets_sla_due on tickets (sla_due_at, id) where sla_due_at is not null`.execute(db);

  await db.schema
    .createTable('sla_targets')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('policy_id', 'integer', (c) => c.references('sla_policies.id').onDelete('set null'))
    .addColumn('policy_name', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull().check(sql`target in ('first_response','next_response','resolution')`))
    // next_response counts from 1 per customer message waiting for a reply; the others are always 0.
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'integer')
    .addColumn('warn_at', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running','paused','met','breached')`))
    .addColumn('met_at', 'integer')
    .addColumn('warned_at', 'integer')
    .addColumn('breach_fired_at', 'integer')
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sla_targets_clock').unique().on('sla_targets').columns(['ticket_id', 'target', 'cycle']).execute();
  // The sweep's two questions, each answered from a partial index of the clocks still to fire.
  await sql`create index sla_targets_warn on sla_targets (warn_at) where warned_at is null and met_at is null and warn_at is not null`.execute(db);
  await sql`create index sla_targets_breach on sla_targets (due_at) where breach_fired_at is null and met_at is null and due_at is not null`.execute(db);
  await db.schema.createIndex('sla_targets_policy').on('sla_targets').column('policy_id').execute();

  // In-app notifications (SLA warnings and breaches, reminders), read by the agent they are for.
  await db.schema
    .createTable('agent_notifications')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('read_at', 'integer')
    .execute();
  await db.schema.createIndex('agent_notifications_agent').on('agent_notifications').columns(['agent_id', 'id']).execute();

  // "Remind me" on a ticket: the same sweep delivers it as an in-app notification, once.
  await db.schema
    .createTable('ticket_reminders')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('remind_at', 'integer', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('fired_at', 'integer')
    .execute();
  await sql`create index ticket_reminders_due on ticket_reminders (remind_at) where fired_at is null`.execute(db);
  await db.schema.createIndex('ticket_reminders_ticket').on('ticket_reminders').columns(['ticket_id', 'agent_id']).execute();
}
