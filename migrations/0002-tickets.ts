import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await createContacts(db);
  await createTeamsAndLabels(db);
  await createTickets(db);
  await createMessages(db);
  await createSupport(db);
}

async function createContacts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('contacts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('language', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('last_seen_at', 'integer')
    .execute();
  await sql`create index contacts_email on contacts (email collate nocase) where email is not null`.execute(db);
  await db.schema.createIndex('contacts_recent').on('contacts').columns(['last_seen_at', 'id']).execute();

  await db.schema
    .createTable('contact_identities')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_identities_kind_value').unique().on('contact_identities').columns(['kind', 'value']).execute();
  await db.schema.createIndex('contact_identities_contact').on('contact_identities').column('contact_id').execute();
}

async function createTeamsAndLabels(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('teams')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index teams_name on teams (name collate nocase)`.execute(db);

  await db.schema
    .createTable('team_members')
    .addColumn('team_id', 'integer', (c) => c.notNull().references('teams.id').onDelete('cascade'))
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('team_members_pk', ['team_id', 'agent_id'])
    .execute();
  await db.schema.createIndex('team_members_agent').on('team_members').columns(['agent_id', 'team_id']).execute();

  await db.schema
    .createTable('labels')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'text', (c) => c.notNull().defaultTo('#64748b'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index labels_name on labels (name collate nocase)`.execute(db);
}

async function createTickets(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tickets')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('open','pending','snoozed','resolved','closed')`),
    )
    .addColumn('snoozed_until', 'integer')
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('low','normal','high','urgent')`))
    // Sorting by priority needs an order the text values do not have; derived so it can never disagree.
    .addColumn('priority_rank', 'integer', (c) =>
      c.generatedAlwaysAs(sql`case priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end`),
    )
    .addColumn('channel_kind', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('thread_key', 'text')
    .addColumn('contact_id', 'integer', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('assignee_id', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('team_id', 'integer', (c) => c.references('teams.id').onDelete('set null'))
    .addColumn('custom_fields', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('last_activity_at', 'integer', (c) => c.notNull())
    .addColumn('first_response_at', 'integer')
    .addColumn('resolved_at', 'integer')
    .addColumn('reopen_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_into_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    // Denormalised so the list never touches messages.
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_message_preview', 'text')
    .addColumn('last_message_kind', 'text')
    .addColumn('last_message_at', 'integer')
    .execute();
  // One index per list view and sort; each ends in id for the keyset cursor (sort_value, id).
  const indexes: Array<[string, string[]]> = [
    ['tickets_status_activity', ['status', 'last_activity_at', 'id']],
    ['tickets_status_created', ['status', 'created_at', 'id']],
    ['tickets_status_priority', ['status', 'priority_rank', 'last_activity_at', 'id']],
    ['tickets_assignee_activity', ['assignee_id', 'status', 'last_activity_at', 'id']],
    ['tickets_team_activity', ['team_id', 'status', 'last_activity_at', 'id']],
    ['tickets_contact_activity', ['contact_id', 'last_activity_at', 'id']],
  ];
  for (const [name, columns] of indexes) {
    await db.schema.createIndex(name).on('tickets').columns(columns).execute();
  }
  await sql`create index tickets_thread on tickets (channel_kind, channel_name, thread_key, id)
    where thread_key is not null`.execute(db);
  await sql`create index tickets_snoozed on tickets (snoozed_until) where status = 'snoozed'`.execute(db);

  await db.schema
    .createTable('ticket_labels')
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('labels.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('ticket_labels_pk', ['ticket_id', 'label_id'])
    .execute();
  await db.schema.createIndex('ticket_labels_label').on('ticket_labels').columns(['label_id', 'ticket_id']).execute();

  await db.schema
    .createTable('ticket_links')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('linked_ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('follow_up','merged')`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ticket_links_ticket').on('ticket_links').column('ticket_id').execute();
  await db.schema.createIndex('ticket_links_linked').on('ticket_links').column('linked_ticket_id').execute();

  await db.schema
    .createTable('ticket_reads')
    .addColumn('agent_id', 'integer', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('read_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ticket_reads_pk', ['agent_id', 'ticket_id'])
    .execute();
  await db.schema.createIndex('ticket_reads_ticket').on('ticket_reads').column('ticket_id').execute();
}

async function createMessages(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messages')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('inbound','outbound','note','system','bot')`))
    .addColumn('author_kind', 'text', (c) =>
      c.notNull().check(sql`author_kind in ('contact','agent','bot','system')`),
    )
    // Polymorphic (contact or agent id by author_kind), so no foreign key.
    .addColumn('author_id', 'integer')
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('channel_kind', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('delivery_status', 'text', (c) =>
      c.check(sql`delivery_status is null or delivery_status in ('queued','sent','delivered','failed')`),
    )
    .addColumn('delivery_error', 'text')
    .addColumn('delivery_updated_at', 'integer')
    .addColumn('mentions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_ticket').on('messages').columns(['ticket_id', 'id']).execute();
  await sql`create unique index messages_idempotency on messages (channel_kind, channel_name, idempotency_key)
    where idempotency_key is not null`.execute(db);

  await db.schema
    .createTable('attachments')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content_id', 'text')
    .addColumn('inline', 'integer', (c) => c.notNull().defaultTo(0))
    // Who uploaded it before it was sent, so nobody else can fetch a draft's file.
    .addColumn('uploaded_by', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attachments_sha256').on('attachments').column('sha256').execute();

  await db.schema
    .createTable('message_attachments')
    .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('attachment_id', 'integer', (c) => c.notNull().references('attachments.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('message_attachments_pk', ['message_id', 'attachment_id'])
    .execute();
  await db.schema
    .createIndex('message_attachments_attachment')
    .on('message_attachments')
    .columns(['attachment_id', 'message_id'])
    .execute();
}

async function createSupport(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('canned_replies')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('shortcut', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await sql`create unique index canned_replies_shortcut on canned_replies (shortcut collate nocase)`.execute(db);

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_kind', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_entity').on('audit_log').columns(['entity_kind', 'entity_id', 'id']).execute();
  await db.schema.createIndex('audit_log_created').on('audit_log').column('created_at').execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('message_id', 'integer', (c) => c.references('messages.id').onDelete('cascade'))
    // The sender that delivers it: a channel kind ('email', 'widget') or another registered sender.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text')
    .addColumn('payload', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','sending','sent','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_message').on('outbox').column('message_id').execute();
}
