import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Per-ticket report metrics, kept by the same writes that change a ticket (messages, status), so a
// report over 200,000 tickets reads one row per ticket and never scans messages. Times in seconds.
// Rows that exist already are backfilled from their messages; what history cannot tell (when a
// ticket was last reopened, next-response waits) starts empty.
export async function up(db: Kysely<unknown>): Promise<void> {
  const columns: Array<[string, boolean]> = [
    ['first_response_seconds', false],
    ['first_responder_id', false],
    ['agent_reply_count', true],
    // since when the customer waits for an answer: the first unanswered inbound message
    ['awaiting_since', false],
    ['next_response_seconds_total', true],
    ['next_response_count', true],
    ['resolution_seconds', false],
    ['resolved_by_id', false],
    ['last_reopened_at', false],
    // a chat the visitor ended before any agent answered
    ['chat_missed', true],
  ];
  for (const [name, counter] of columns) {
    await db.schema
      .alterTable('tickets')
      .addColumn(name, 'integer', (c) => (counter ? c.notNull().defaultTo(0) : c))
      .execute();
  }

  await sql`update tickets set
      first_response_seconds = case when first_response_at is null then null else round((first_response_at - created_at) / 1000.0) end,
      resolution_seconds = case when resolved_at is null then null else round((resolved_at - created_at) / 1000.0) end`.execute(db);
  await sql`update tickets set
      agent_reply_count = (select count(*) from messages m
        where m.ticket_id = tickets.id and m.kind = 'outbound' and m.author_kind = 'agent'),
      first_responder_id = (select m.author_id from messages m
        where m.ticket_id = tickets.id and m.kind = 'outbound' and m.author_kind = 'agent'
        order by m.created_at, m.id limit 1)
    where first_response_at is not null`.execute(db);
  await sql`update tickets set chat_missed = 1
    where channel_kind = 'widget' and exists (select 1 from messages m
      where m.ticket_id = tickets.id and m.kind = 'system' and m.idempotency_key like 'chat-ended:%'
        and (tickets.first_response_at is null or tickets.first_response_at > m.created_at))`.execute(db);

  // The ranges a report reads: created, first answered, resolved and reopened in a period; ratings; SLA clocks.
  await db.schema.createIndex('tickets_created').on('tickets').columns(['created_at']).execute();
  await sql`create index tickets_first_response on tickets (first_response_at) where first_response_at is not null`.execute(db);
  await sql`create index tickets_resolved on tickets (resolved_at) where resolved_at is not null`.execute(db);
  await sql`create index tickets_reopened on tickets (last_reopened_at) where last_reopened_at is not null`.execute(db);
  await sql`create index csat_ratings_created on csat_ratings (created_at)`.execute(db);
  await sql`create index sla_targets_started on sla_targets (started_at)`.execute(db);
}

