import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers, jsonArrayAgg } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import { contactWithIdentitiesJson } from '../contacts/queries.js';
import { latestCsatJson } from './chat-events.js';
import { presentTicket } from './presenter.js';
import { openedTicketEventsJson } from './timeline.js';
import type { TicketView } from './schemas.js';

/**
 * A page of the list in one prepared statement: the ticket columns the presenter reads, with the
 * contact, assignee and team names, the label names and the reader's read mark joined in. Reading
 * `select *` and then looking the five up in five more statements, each built and compiled
 * afresh for its IN list, cost more than SQLite took to find the page.
 */
const pageQuery = (db: DbOrTx, readerId: number) =>
  db
    .selectFrom('tickets')
    .leftJoin('contacts', 'contacts.id', 'tickets.contact_id')
    .leftJoin('agents', 'agents.id', 'tickets.assignee_id')
    .leftJoin('teams', 'teams.id', 'tickets.team_id')
    .leftJoin('ticket_reads', (join) => join.onRef('ticket_reads.ticket_id', '=', 'tickets.id').on('ticket_reads.agent_id', '=', readerId))
    .select([
      'tickets.id',
      'tickets.number',
      'tickets.subject',
      'tickets.status',
      'tickets.snoozed_until',
      'tickets.priority',
      'tickets.channel_kind',
      'tickets.channel_name',
      'tickets.contact_id',
      'tickets.assignee_id',
      'tickets.team_id',
      'tickets.custom_fields',
      'tickets.created_at',
      'tickets.updated_at',
      'tickets.last_activity_at',
      'tickets.first_response_at',
      'tickets.resolved_at',
      'tickets.reopen_count',
      'tickets.last_message_preview',
      'tickets.last_message_kind',
      'tickets.last_message_at',
      'tickets.message_count',
      'tickets.merged_into_id',
      'tickets.sla_due_at',
      'tickets.sla_warn_at',
      'tickets.sla_breached',
      'tickets.bot_active',
      'tickets.bot_deflected',
      'contacts.name as contact_name',
      'contacts.email as contact_email',
      'contacts.phone as contact_phone',
      'agents.name as assignee_name',
      'teams.name as team_name',
      'ticket_reads.read_at',
    ])
    .select(
      sql<string>`(select ${jsonArrayAgg(db, sql`labels.name`, sql`labels.name`)} from ticket_labels join labels on labels.id = ticket_labels.label_id where ticket_labels.ticket_id = tickets.id)`.as(
        'label_names',
      ),
    );

// One JSON parameter keeps the SQL text the same for every page size: one prepared statement.
const pageRows = prepared((db: DbOrTx, p: { ids: string; readerId: number }) => pageQuery(db, p.readerId).where(inJsonIntegers(db, sql`tickets.id`, p.ids)));

type PageRow = Awaited<ReturnType<typeof pageRows.all>>[number];

function viewOf(row: PageRow): TicketView {
  return presentTicket(row, {
    contact: { id: row.contact_id, name: row.contact_name ?? null, email: row.contact_email ?? null, phone: row.contact_phone ?? null },
    assignee: row.assignee_id === null || row.assignee_name === null ? null : { id: row.assignee_id, name: row.assignee_name },
    team: row.team_id === null || row.team_name === null ? null : { id: row.team_id, name: row.team_name },
    labels: JSON.parse(row.label_names) as string[],
    unread: row.last_message_at !== null && row.last_message_at > (row.read_at ?? 0),
  });
}

/** The tickets with these ids as the list presents them, in the order of `ids`. */
export async function presentTicketPage(db: DbOrTx, ids: readonly number[], readerId: number): Promise<TicketView[]> {
  if (ids.length === 0) return [];
  const rows = await pageRows.all(db, { ids: JSON.stringify(ids), readerId });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [viewOf(row)] : [];
  });
}

/**
 * Opening a ticket: its page row with what the detail needs besides (its SLA policy, its latest
 * rating, its contact in full, the changes its timeline shows, and whether the reader is in the
 * ticket's team, which decides whether an agent may see it) in one statement, where finding the
 * ticket, the reader's teams, the read mark, the page row, the rating, the contact and the changes
 * took seven.
 */
const openedRow = prepared((db: DbOrTx, p: { id: number; readerId: number }) =>
  pageQuery(db, p.readerId)
    .select([
      'tickets.sla_policy_id',
      latestCsatJson(db).as('latest_csat'),
      sql<number>`case when exists (select 1 from team_members where team_members.team_id = tickets.team_id and team_members.agent_id = ${p.readerId}) then 1 else 0 end`.as(
        'in_team',
      ),
      contactWithIdentitiesJson(db, sql`tickets.contact_id`).as('contact_json'),
      openedTicketEventsJson(db).as('events_json'),
    ])
    .where('tickets.id', '=', p.id),
);

export type OpenedTicket = Awaited<ReturnType<typeof openedRow.first>> & {};

export const openedTicket = (db: DbOrTx, id: number, readerId: number): Promise<OpenedTicket | undefined> => openedRow.first(db, { id, readerId });

/** The ticket as the list presents it, from the row openedTicket read. */
export const openedTicketView = (row: OpenedTicket): TicketView => viewOf(row);
