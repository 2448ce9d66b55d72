import type { AppContext } from '../../context.js';
import { now, type Tx } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import type { CsatReceived, KefuEvent } from '../../realtime/events.js';
import { messageEvent } from '../tickets/chat-events.js';
import { appendMessage } from '../tickets/messages.js';
import { iso } from '../tickets/presenter.js';
import { findMessageByIdempotencyKey, findTicket, type TicketRow } from '../tickets/queries.js';
import type { CsatScale, CsatSource } from './tables.js';

export const COMMENT_MAX = 1000;

export interface StoredRating {
  score: number;
  scale: CsatScale;
  comment: string | null;
  ratedAt: number;
}

export interface SurveyRef {
  id: string;
  ticket_id: number;
  contact_id: number;
  scale: CsatScale;
}

export function csatReceived(ticket: TicketRow, r: { score: number; scale: CsatScale; comment: string | null; source: CsatSource; at: number; contactId: number | null }): CsatReceived {
  return {
    type: 'csat.received',
    actor: r.contactId === null ? { kind: 'system' } : { kind: 'contact', id: r.contactId },
    ticketId: ticket.id,
    assigneeId: ticket.assignee_id,
    teamId: ticket.team_id,
    contactId: r.contactId,
    score: r.score,
    scale: r.scale,
    comment: r.comment,
    source: r.source,
    ratedAt: iso(r.at),
  };
}

/** A merged ticket's rating belongs on the ticket it was merged into, where agents now work. */
async function liveTicket(tx: Tx, ticketId: number): Promise<TicketRow | undefined> {
  const ticket = await findTicket(tx, ticketId);
  if (ticket?.merged_into_id != null) return (await findTicket(tx, ticket.merged_into_id)) ?? ticket;
  return ticket;
}

/** The timeline line, stored in English like the widget's; the agent app words it from `meta`. */
async function timelineLine(tx: Tx, ticket: TicketRow, key: string, r: { score: number; scale: CsatScale; comment: string | null; at: number }): Promise<KefuEvent[]> {
  const channel = { kind: ticket.channel_kind, name: ticket.channel_name };
  if (await findMessageByIdempotencyKey(tx, channel, key)) return [];
  const contact = await tx.selectFrom('contacts').select('name').where('id', '=', ticket.contact_id).executeTakeFirst();
  const appended = await appendMessage(tx, ticket, {
    kind: 'system',
    author: { kind: 'contact', id: ticket.contact_id, name: contact?.name ?? '' },
    text: `Customer rated ${r.score}/5${r.comment ? `: ${r.comment}` : ''}`,
    channel,
    idempotencyKey: key,
    meta: { event: 'csat.rated', score: r.score, comment: r.comment, scale: r.scale, source: 'email' },
    createdAt: r.at,
  });
  const actor: Actor = { kind: 'contact', id: ticket.contact_id };
  return [await messageEvent(tx, actor, appended.ticket, appended.message)];
}

async function ratingOf(tx: Tx, surveyId: string): Promise<StoredRating | null> {
  const row = await tx.selectFrom('csat_ratings').select(['score', 'scale', 'comment', 'created_at']).where('survey_id', '=', surveyId).executeTakeFirst();
  return row ? { score: row.score, scale: row.scale, comment: row.comment, ratedAt: row.created_at } : null;
}

/**
 * Records a survey's score once: the first click counts, and every later one (the customer's second
 * thought, or a mail scanner fetching the link first) finds the rating already there.
 */
export async function rateSurvey(ctx: AppContext, survey: SurveyRef, score: number): Promise<{ recorded: boolean; rating: StoredRating } | null> {
  return ctx.database.transaction(async (tx, onCommit) => {
    const existing = await ratingOf(tx, survey.id);
    if (existing) return { recorded: false, rating: existing };
    const ticket = await liveTicket(tx, survey.ticket_id);
    if (!ticket) return null;
    const at = now();
    // The transaction holds the write lock from its start, so the check above cannot be raced;
    // the unique survey_id would refuse a second row anyway.
    await tx
      .insertInto('csat_ratings')
      .values({ ticket_id: ticket.id, conversation_id: null, score, comment: null, created_at: at, source: 'email', scale: survey.scale, contact_id: survey.contact_id, survey_id: survey.id })
      .execute();
    const rating: StoredRating = { score, scale: survey.scale, comment: null, ratedAt: at };
    const events = await timelineLine(tx, ticket, `csat:${survey.id}`, { ...rating, at });
    events.push(csatReceived(ticket, { ...rating, source: 'email', at, contactId: survey.contact_id }));
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    ctx.logger.info({ subsystem: 'csat', ticketId: ticket.id, score }, 'survey rated');
    return { recorded: true, rating };
  });
}

/** The optional comment after a rating: once, so a rating's words never change behind a report's back. */
export async function commentOnSurvey(ctx: AppContext, survey: SurveyRef, comment: string): Promise<{ saved: boolean; rating: StoredRating } | null> {
  return ctx.database.transaction(async (tx, onCommit) => {
    const rating = await ratingOf(tx, survey.id);
    if (!rating) return null;
    if (rating.comment !== null) return { saved: false, rating };
    const row = await tx.selectFrom('csat_ratings').select('ticket_id').where('survey_id', '=', survey.id).executeTakeFirstOrThrow();
    await tx.updateTable('csat_ratings').set({ comment }).where('survey_id', '=', survey.id).where('comment', 'is', null).execute();
    const ticket = await findTicket(tx, row.ticket_id);
    const after = { ...rating, comment };
    if (ticket) {
      const at = now();
      const events = await timelineLine(tx, ticket, `csat-comment:${survey.id}`, { ...after, at });
      events.push(csatReceived(ticket, { ...after, source: 'email', at: rating.ratedAt, contactId: survey.contact_id }));
      onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    }
    return { saved: true, rating: after };
  });
}
