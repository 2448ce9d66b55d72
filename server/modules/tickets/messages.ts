import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { greatest } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import { linkAttachments } from '../attachments/queries.js';
import { metricColumns, roleOf, type MessageRole } from './metrics.js';
import { insertMessage, reloadTicket, type MessageRow, type TicketChanges, type TicketRow } from './queries.js';
import type { AuthorKind, DeliveryStatus, MessageKind } from './tables.js';

export interface NewMessage {
  kind: MessageKind;
  author: { kind: AuthorKind; id: number | null; name: string };
  text: string;
  html?: string | null | undefined;
  channel: { kind: string; name: string };
  idempotencyKey?: string | null | undefined;
  delivery?: DeliveryStatus | null | undefined;
  mentions?: number[] | undefined;
  meta?: Record<string, unknown> | undefined;
  attachmentIds?: number[] | undefined;
  createdAt: number;
}

const PREVIEW_CHARS = 160;

export function previewOf(text: string): string {
  // Flattening a whole 20 KB email for 160 characters cost more than storing it: only as much
  // of the start is flattened as gives enough characters.
  for (let window = PREVIEW_CHARS * 4; ; window *= 4) {
    const part = text.length > window ? text.slice(0, window) : text;
    const flat = part.replace(/\s+/g, ' ').trim();
    if (flat.length > PREVIEW_CHARS) return `${flat.slice(0, PREVIEW_CHARS - 1)}…`;
    if (part === text) return flat;
  }
}

interface Summary {
  preview: string;
  kind: MessageKind;
  at: number;
  updatedAt: number;
}

/** The ticket columns a new message changes: its count, last message and last activity. */
const summaryColumns = (db: DbOrTx, s: Summary) => ({
  message_count: sql<number>`message_count + 1`,
  last_message_preview: s.preview,
  last_message_kind: s.kind,
  last_message_at: s.at,
  last_activity_at: greatest(db, sql`last_activity_at`, s.at),
  updated_at: s.updatedAt,
});

type Bump = Summary & { id: number; authorId: number | null };

/** The summary update of a message that changes nothing else about its ticket (most of them), one per role. */
const bumpFor = (role: MessageRole) =>
  prepared((db: DbOrTx, p: Bump) =>
    db
      .updateTable('tickets')
      .set({ ...summaryColumns(db, p), ...metricColumns(role, p) })
      .where('id', '=', p.id),
  );
const bumpSummary: Record<MessageRole, ReturnType<typeof bumpFor>> = {
  agent_reply: bumpFor('agent_reply'),
  customer: bumpFor('customer'),
  other: bumpFor('other'),
};

/**
 * Adds a message to a ticket's timeline and keeps the ticket's denormalised summary
 * (count, last message, last activity) in step, plus any other ticket changes, in one update.
 * A ticket inserted just now with `first` set already summarises this message: no update at all
 * (it would move the new row in seven indexes a second time).
 */
export async function appendMessage(
  db: DbOrTx,
  ticket: TicketRow,
  input: NewMessage,
  ticketChanges: TicketChanges = {},
  opts: { summarisedAtInsert?: boolean } = {},
): Promise<{ message: MessageRow; ticket: TicketRow }> {
  const message = await insertMessage(db, {
    ticket_id: ticket.id,
    kind: input.kind,
    author_kind: input.author.kind,
    author_id: input.author.id,
    author_name: input.author.name,
    text: input.text,
    html: input.html ?? null,
    channel_kind: input.channel.kind,
    channel_name: input.channel.name,
    idempotency_key: input.idempotencyKey ?? null,
    delivery_status: input.delivery ?? null,
    delivery_error: null,
    delivery_updated_at: input.delivery ? input.createdAt : null,
    mentions: JSON.stringify(input.mentions ?? []),
    meta: JSON.stringify(input.meta ?? {}),
    created_at: input.createdAt,
  });
  await linkAttachments(db, message.id, input.attachmentIds ?? []);
  const role = roleOf(input.kind, input.author.kind);
  const summary = {
    id: ticket.id,
    authorId: input.author.id,
    preview: previewOf(input.text),
    kind: input.kind,
    at: input.createdAt,
    updatedAt: Math.max(input.createdAt, Date.now()),
  };
  if (Object.keys(ticketChanges).length === 0) {
    if (opts.summarisedAtInsert) return { message, ticket };
    await bumpSummary[role].execute(db, summary);
  } else {
    // The same update plus changes whose columns vary from call to call: built each time.
    await db
      .updateTable('tickets')
      .set({ ...ticketChanges, ...summaryColumns(db, summary), ...metricColumns(role, summary) })
      .where('id', '=', ticket.id)
      .execute();
  }
  return { message, ticket: await reloadTicket(db, ticket.id) };
}

/** Recomputes the denormalised summary after messages moved in or out. */
export async function refreshSummary(tx: DbOrTx, ticketId: number): Promise<TicketRow> {
  const last = await tx
    .selectFrom('messages')
    .select(['text', 'kind', 'created_at'])
    .where('ticket_id', '=', ticketId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  await tx
    .updateTable('tickets')
    .set({
      message_count: sql<number>`(select count(*) from messages where ticket_id = ${ticketId})`,
      last_message_preview: last ? previewOf(last.text) : null,
      last_message_kind: last?.kind ?? null,
      last_message_at: last?.created_at ?? null,
    })
    .where('id', '=', ticketId)
    .execute();
  return reloadTicket(tx, ticketId);
}
