import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { jsonArrayAgg, jsonRow } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import type { AttachmentRow } from '../attachments/queries.js';
import { presentMessage } from './presenter.js';
import type { MessageRow } from './queries.js';
import type { MessageView, TimelineEventView } from './schemas.js';
import { presentTimelineEvents, timelineEventsQuery, type EventRow } from './timeline-events.js';

/** How many of its newest messages an opened ticket shows; older ones are paged in (listMessages). */
export const TIMELINE_LIMIT = 100;

const ATTACHMENT_COLUMNS = [
  'id', 'sha256', 'name', 'content_type', 'size', 'content_id', 'inline', 'uploaded_by', 'created_at',
] as const satisfies ReadonlyArray<keyof AttachmentRow>;
const EVENT_COLUMNS = [
  'id', 'action', 'actor_kind', 'actor_id', 'before', 'after', 'created_at', 'actor_agent_name', 'actor_contact_name',
  'actor_rule_name', 'assignee_before_name', 'assignee_after_name', 'team_before_name', 'team_after_name',
] as const satisfies ReadonlyArray<keyof EventRow>;

/**
 * The changes an opened ticket's timeline shows, as a JSON array (text) for the ticket's own
 * statement (`tickets` is the outer query's row): those since its oldest shown message, or since
 * the start when all its messages are shown. Read apart, they were a round trip of their own on
 * PostgreSQL, and one that waited for the messages when a ticket had more than fit.
 */
export function openedTicketEventsJson(db: DbOrTx): RawBuilder<string> {
  const limit = sql.lit(TIMELINE_LIMIT);
  const from = sql<number>`case when tickets.message_count > ${limit} then coalesce((select f.created_at from messages f
      where f.ticket_id = tickets.id order by f.id desc limit 1 offset ${sql.lit(TIMELINE_LIMIT - 1)}), 0) else 0 end`;
  const events = timelineEventsQuery(db, sql<number>`tickets.id`, { from });
  return sql<string>`(select ${jsonArrayAgg(db, jsonRow(db, 'e', EVENT_COLUMNS), sql`e.id desc`)} from (${events}) e)`;
}

/** What openedTicketEventsJson read, as the timeline shows it. */
export const presentOpenedTicketEvents = (ticketId: number, json: string): TimelineEventView[] =>
  json === '[]' ? [] : presentTimelineEvents(ticketId, JSON.parse(json) as EventRow[]);

/**
 * The newest messages, each with its attachments as a JSON array (text), where the attachments of
 * the page were a second statement (a second round trip on PostgreSQL, waiting for the first).
 * Messages are read as rows: building JSON of every column cost PostgreSQL more than sending them.
 */
const latestMessages = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db
    .selectFrom('messages as m')
    .selectAll('m')
    .select(
      sql<string>`(select ${jsonArrayAgg(db, jsonRow(db, 'a', ATTACHMENT_COLUMNS), sql`a.id`)}
        from message_attachments ma join attachments a on a.id = ma.attachment_id where ma.message_id = m.id)`.as('attachment_list'),
    )
    .where('m.ticket_id', '=', p.ticketId)
    .orderBy('m.id', 'desc')
    .limit(TIMELINE_LIMIT),
);

/** The opened ticket's newest messages, oldest first. */
export async function openedTicketMessages(db: DbOrTx, ticketId: number): Promise<MessageView[]> {
  const rows = await latestMessages.all(db, { ticketId });
  const views: MessageView[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const { attachment_list: list, ...row } = rows[rows.length - 1 - i]!;
    views[i] = presentMessage(row as MessageRow, list === '[]' ? [] : (JSON.parse(list) as AttachmentRow[]));
  }
  return views;
}
