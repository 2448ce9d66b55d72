import type { DbOrTx } from '../../db/database.js';
import { attachmentsOfMessages, type AttachmentRow } from '../attachments/queries.js';
import { presentAttachment } from '../attachments/presenter.js';
import type { ContactSummaryView } from '../contacts/schemas.js';
import { parseIdArray, parseJsonObject } from './json.js';
import { labelNamesOf, readTimesOf, type MessageRow, type TicketRow } from './queries.js';
import type { MessageView, TicketView } from './schemas.js';

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export interface TicketRefs {
  contact: ContactSummaryView;
  assignee: { id: number; name: string } | null;
  team: { id: number; name: string } | null;
  labels: string[];
  unread: boolean;
}

/** The columns a ticket's view is made of (a page of the list reads no others). */
export type PresentedTicketRow = Pick<
  TicketRow,
  | 'id'
  | 'number'
  | 'subject'
  | 'status'
  | 'snoozed_until'
  | 'priority'
  | 'channel_kind'
  | 'channel_name'
  | 'custom_fields'
  | 'created_at'
  | 'updated_at'
  | 'last_activity_at'
  | 'first_response_at'
  | 'resolved_at'
  | 'reopen_count'
  | 'last_message_preview'
  | 'last_message_kind'
  | 'last_message_at'
  | 'message_count'
  | 'merged_into_id'
  | 'sla_due_at'
  | 'sla_warn_at'
  | 'sla_breached'
  | 'bot_active'
  | 'bot_deflected'
>;

export function presentTicket(row: PresentedTicketRow, refs: TicketRefs): TicketView {
  return {
    id: row.id,
    number: row.number,
    subject: row.subject,
    status: row.status,
    snoozedUntil: isoOrNull(row.snoozed_until),
    priority: row.priority,
    channel: { kind: row.channel_kind, name: row.channel_name },
    contact: refs.contact,
    assignee: refs.assignee,
    team: refs.team,
    labels: refs.labels,
    customFields: parseJsonObject(row.custom_fields),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    lastActivityAt: iso(row.last_activity_at),
    firstResponseAt: isoOrNull(row.first_response_at),
    resolvedAt: isoOrNull(row.resolved_at),
    reopenCount: row.reopen_count,
    lastMessage:
      row.last_message_at !== null && row.last_message_kind !== null
        ? { preview: row.last_message_preview ?? '', kind: row.last_message_kind, at: iso(row.last_message_at) }
        : null,
    unread: refs.unread,
    messageCount: row.message_count,
    mergedIntoId: row.merged_into_id,
    bot: { active: row.bot_active === 1, deflected: row.bot_deflected === 1 },
    slaClock:
      row.sla_due_at === null || row.sla_due_at === undefined
        ? null
        : { dueAt: iso(row.sla_due_at), warnAt: isoOrNull(row.sla_warn_at ?? null), breached: row.sla_breached === 1 },
  };
}

const unique = (ids: Array<number | null>): number[] => [...new Set(ids.filter((id): id is number => id !== null))];

/**
 * Presents a page of tickets with a handful of batched lookups, whatever the page size.
 * `readerId` decides `unread`; null (events) presents every ticket as read.
 */
export async function presentTickets(
  db: DbOrTx,
  rows: TicketRow[],
  readerId: number | null,
  /** Labels the caller already knows (a ticket it just created has none), saving a query. */
  knownLabels?: Map<number, string[]>,
): Promise<TicketView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const contactIds = unique(rows.map((r) => r.contact_id));
  const agentIds = unique(rows.map((r) => r.assignee_id));
  const teamIds = unique(rows.map((r) => r.team_id));
  const [contacts, agents, teams, labels, reads] = await Promise.all([
    db.selectFrom('contacts').select(['id', 'name', 'email', 'phone']).where('id', 'in', contactIds).execute(),
    agentIds.length > 0
      ? db.selectFrom('agents').select(['id', 'name']).where('id', 'in', agentIds).execute()
      : Promise.resolve([]),
    teamIds.length > 0
      ? db.selectFrom('teams').select(['id', 'name']).where('id', 'in', teamIds).execute()
      : Promise.resolve([]),
    knownLabels ? Promise.resolve(knownLabels) : labelNamesOf(db, ids),
    readerId === null ? Promise.resolve(new Map<number, number>()) : readTimesOf(db, readerId, ids),
  ]);
  const contactById = new Map(contacts.map((c) => [c.id, c]));
  const agentById = new Map(agents.map((a) => [a.id, a]));
  const teamById = new Map(teams.map((t) => [t.id, t]));
  return rows.map((row) => {
    const readAt = reads.get(row.id) ?? 0;
    return presentTicket(row, {
      contact: contactById.get(row.contact_id) ?? { id: row.contact_id, name: null, email: null, phone: null },
      assignee: row.assignee_id === null ? null : (agentById.get(row.assignee_id) ?? null),
      team: row.team_id === null ? null : (teamById.get(row.team_id) ?? null),
      labels: labels.get(row.id) ?? [],
      unread: readerId !== null && row.last_message_at !== null && row.last_message_at > readAt,
    });
  });
}

export async function presentOneTicket(
  db: DbOrTx,
  row: TicketRow,
  readerId: number | null,
  knownLabels?: string[],
): Promise<TicketView> {
  const [view] = await presentTickets(db, [row], readerId, knownLabels ? new Map([[row.id, knownLabels]]) : undefined);
  if (!view) throw new Error('presentTickets returned nothing for one row');
  return view;
}

export function presentMessage(row: MessageRow, attachments: AttachmentRow[]): MessageView {
  return {
    id: row.id,
    ticketId: row.ticket_id,
    kind: row.kind,
    author:
      row.author_id === null
        ? { kind: row.author_kind, name: row.author_name }
        : { kind: row.author_kind, id: row.author_id, name: row.author_name },
    channel: { kind: row.channel_kind, name: row.channel_name },
    text: row.text,
    html: row.html,
    attachments: attachments.filter((a) => a.inline === 0 || row.html === null).map(presentAttachment),
    delivery:
      row.delivery_status === null
        ? null
        : row.delivery_error
          ? { status: row.delivery_status, error: row.delivery_error }
          : { status: row.delivery_status },
    mentions: parseIdArray(row.mentions),
    meta: parseJsonObject(row.meta),
    createdAt: iso(row.created_at),
  };
}

export async function presentMessages(db: DbOrTx, rows: MessageRow[]): Promise<MessageView[]> {
  const attachments = await attachmentsOfMessages(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => presentMessage(r, attachments.get(r.id) ?? []));
}
