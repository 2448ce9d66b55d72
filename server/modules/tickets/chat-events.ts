import type { AppContext } from '../../context.js';
import { sql, type RawBuilder } from 'kysely';
import { now, type DbOrTx, type Tx } from '../../db/database.js';
import { jsonArrayText } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import type { Actor } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { appendMessage } from './messages.js';
import { applyTicketPatch } from './patch.js';
import { iso, presentMessages, presentOneTicket } from './presenter.js';
import type { CsatView } from './schemas.js';
import { findMessageByIdempotencyKey, findTicket, type MessageRow, type TicketChanges, type TicketRow } from './queries.js';

/** What a visitor did at the end of a chat, told to the agents on the chat's ticket. */
export type ChatEvent =
  | { kind: 'ended'; conversationId: string }
  | { kind: 'rated'; conversationId: string; score: number; comment: string | null };

/** The line is stored in English, like merge lines; the agent app words it from `meta` in the agent's language. */
function lineOf(ev: ChatEvent): { text: string; meta: Record<string, unknown> } {
  if (ev.kind === 'ended') return { text: 'Visitor ended the chat.', meta: { event: 'chat.ended' } };
  return {
    text: `Rated ${ev.score}/5${ev.comment ? `: ${ev.comment}` : ''}`,
    meta: { event: 'csat.rated', score: ev.score, comment: ev.comment },
  };
}

/** A visitor who leaves before any agent answered is a missed chat in the reports. */
const missedChat = (ev: ChatEvent, ticket: TicketRow): TicketChanges =>
  ev.kind === 'ended' && ticket.first_response_at === null ? { chat_missed: 1 } : {};

export async function messageEvent(tx: Tx, actor: Actor, ticket: TicketRow, message: MessageRow): Promise<KefuEvent> {
  const [view] = await presentMessages(tx, [message]);
  if (!view) throw new Error('message view missing');
  const ticketView = await presentOneTicket(tx, ticket, null);
  return { type: 'message.created', actor, ticketId: ticket.id, assigneeId: ticket.assignee_id, teamId: ticket.team_id, message: view, ticket: ticketView, mentions: [] };
}

/**
 * A system line on the chat's ticket, once per conversation and kind. An ended chat also moves an
 * open ticket to pending: the visitor left, so nobody is waiting for an answer in the chat any more,
 * but the issue may not be solved, and resolving it would claim it was. A status an agent already
 * chose (pending, resolved, snoozed, ...) is theirs and stays.
 */
export async function recordChatEvent(ctx: AppContext, ticketId: number, ev: ChatEvent): Promise<void> {
  await ctx.database.transaction(async (tx, onCommit) => {
    const ticket = await findTicket(tx, ticketId);
    if (!ticket) return;
    const channel = { kind: ticket.channel_kind, name: ticket.channel_name };
    const key = `chat-${ev.kind}:${ev.conversationId}`;
    if (await findMessageByIdempotencyKey(tx, channel, key)) return;
    const actor: Actor = { kind: 'contact', id: ticket.contact_id };
    const at = now();
    const { text, meta } = lineOf(ev);
    const contact = await tx.selectFrom('contacts').select('name').where('id', '=', ticket.contact_id).executeTakeFirst();
    const appended = await appendMessage(
      tx,
      ticket,
      {
        kind: 'system',
        author: { kind: 'contact', id: ticket.contact_id, name: contact?.name ?? '' },
        text,
        channel,
        idempotencyKey: key,
        meta,
        createdAt: at,
      },
      missedChat(ev, ticket),
    );
    const events: KefuEvent[] = [];
    let after = appended.ticket;
    if (ev.kind === 'ended' && after.status === 'open') {
      // Kefu's rule, not the visitor's words: "replied" would be wrong on the timeline.
      const patched = await applyTicketPatch(tx, after, { status: 'pending' }, { kind: 'system' }, at);
      after = patched.ticket;
      events.push(...patched.events);
    }
    events.unshift(await messageEvent(tx, actor, after, appended.message));
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
  });
}

/** The newest rating on the ticket (a merged ticket may hold several chats' ratings). */
const latestCsatRow = prepared((db: DbOrTx, p: { ticketId: number }) =>
  db
    .selectFrom('csat_ratings')
    .select(['score', 'comment', 'created_at', 'scale', 'source'])
    .where('ticket_id', '=', p.ticketId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1),
);

/** The same rating as one JSON column of a statement on tickets (null when none), read with csatOfJson. */
export const latestCsatJson = (db: DbOrTx): RawBuilder<string | null> =>
  sql<string | null>`(select ${jsonArrayText(db, [sql`r.score`, sql`r.comment`, sql`r.created_at`, sql`r.scale`, sql`r.source`])} from csat_ratings r
    where r.ticket_id = tickets.id order by r.created_at desc, r.id desc limit 1)`;

export function csatOfJson(json: string | null): CsatView | null {
  if (json === null) return null;
  const [score, comment, createdAt, scale, source] = JSON.parse(json) as [number, string | null, number, CsatView['scale'], CsatView['source']];
  return { score, comment, at: iso(createdAt), scale, source, ratedAt: iso(createdAt) };
}

export async function latestCsat(db: DbOrTx, ticketId: number): Promise<CsatView | null> {
  const row = await latestCsatRow.first(db, { ticketId });
  return row ? { score: row.score, comment: row.comment, at: iso(row.created_at), scale: row.scale, source: row.source, ratedAt: iso(row.created_at) } : null;
}
