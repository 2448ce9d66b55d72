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

  // The ranges a report reads: created, first answered, resolved and reopened in a period. Each
  // index holds the filter columns and the metrics of its range, so a report over 90 days of
  // 200,000 tickets scans index entries in order and never reads a ticket row. Intake pays for one
  // (tickets_report_created) on a new ticket; the others change when agents answer and resolve.
  const filters = 'merged_into_id, channel_kind, channel_name, team_id, assignee_id, priority';
  await sql`create index tickets_report_created on tickets (created_at, ${sql.raw(filters)},
    chat_missed, next_response_seconds_total, next_response_count)`.execute(db);
  await sql`create index tickets_report_first_response on tickets (first_response_at, ${sql.raw(filters)},
    first_response_seconds, first_responder_id) where first_response_at is not null`.execute(db);
  await sql`create index tickets_report_resolved on tickets (resolved_at, ${sql.raw(filters)},
    resolution_seconds, agent_reply_count, reopen_count, resolved_by_id) where resolved_at is not null`.execute(db);
  await sql`create index tickets_reopened on tickets (last_reopened_at) where last_reopened_at is not null`.execute(db);
  await sql`create index csat_ratings_created on csat_ratings (created_at)`.execute(db);
  await sql`create index widget_conversations_ended on widget_conversations (ended_at) where ended_at is not null`.execute(db);
  await sql`create index sla_targets_started on sla_targets (started_at)`.execute(db);
}

