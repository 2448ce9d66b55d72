import { ticketSla } from '../sla/presenter.js';
import type { TicketSlaView } from '../sla/policy-types.js';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { lockRows } from '../../db/dialect-sql.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recordAudit } from '../audit/service.js';
import { presentFoundContact } from '../contacts/presenter.js';
import { findContact, foundContactOf } from '../contacts/queries.js';
import type { ContactView } from '../contacts/schemas.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { applyTicketPatch, type TicketPatch } from './patch.js';
import { writeAgentMessage } from './post-message.js';
import { agentActor, canSeeOneTicket, canSeeTicket, ticketAccess, visibleTicket, type Viewer } from './policy.js';
import { presentMessages, presentOneTicket } from './presenter.js';
import { openedTicket, openedTicketView, presentTicketPage } from './list-page.js';
import { canSend, firstOutboundChannel, isConfigured, NOTE_ONLY_CHANNEL, replyChannelOf, type ChannelRef, type ReplyChannel } from './reply-channel.js';
import { insertTicket, markRead, messagesOfTicket, readTimesOf } from './queries.js';
import type { CsatView, MessageView, TicketView, TimelineEventView } from './schemas.js';
import { timelineEvents } from './timeline-events.js';
import { openedTicketMessages, presentOpenedTicketEvents } from './timeline.js';
import { csatOfJson } from './chat-events.js';

export interface TicketDetail {
  ticket: TicketView;
  messages: MessageView[];
  /** The ticket's changes from the first returned message on (from the start when all messages are there). */
  events: TimelineEventView[];
  contact: ContactView;
  /** The visitor's rating of the chat, when there is one. */
  csat: CsatView | null;
  /** Whether a reply written now can leave: the composer warns instead of queuing one forever. */
  replyChannel: ReplyChannel;
  /** The SLA policy's clocks on the ticket; null when no policy applies. */
  sla: TicketSlaView;
}

/**
 * Opening a ticket marks it read for the viewer. Its statements are few and, past the first,
 * independent: on PostgreSQL each is a round trip, run side by side on the pool.
 */
export async function getTicketDetail(ctx: AppContext, viewer: Viewer, id: number): Promise<TicketDetail> {
  const row = await openedTicket(ctx.db, id, viewer.id);
  if (!row || !canSeeOneTicket(ctx, viewer, row, row.in_team === 1)) throw new NotFound('ticket');
  const view = openedTicketView(row);
  // Opening a ticket is a read, not a write: only a ticket with something new costs a commit.
  const markingRead = row.read_at === null || view.unread ? markRead(ctx.db, viewer.id, id, Math.max(now(), row.last_message_at ?? 0)) : null;
  const presentContact = async () => {
    const found = foundContactOf(row.contact_json);
    if (!found) throw new NotFound('contact');
    return presentFoundContact(ctx.db, found, ctx.config.channels.widget);
  };
  const [messages, contact, sla] = await Promise.all([
    openedTicketMessages(ctx.db, id),
    presentContact(),
    ticketSla(ctx.db, row),
    markingRead,
  ]);
  const replyChannel = replyChannelOf(ctx.config, { kind: row.channel_kind, name: row.channel_name });
  const events = presentOpenedTicketEvents(id, row.events_json);
  return { ticket: markingRead ? { ...view, unread: false } : view, messages, events, contact, replyChannel, csat: csatOfJson(row.latest_csat), sla };
}

export async function getTicket(ctx: AppContext, viewer: Viewer, id: number): Promise<TicketView> {
  return presentOneTicket(ctx.db, await visibleTicket(ctx, viewer, id), viewer.id);
}

/**
 * The timeline oldest first, a page at a time, with the changes made in the page's stretch of time:
 * after the message before the page, up to its last message (to now on the last page).
 */
export async function listMessages(
  ctx: AppContext,
  viewer: Viewer,
  id: number,
  opts: { limit: number; cursor?: string | undefined },
): Promise<{ items: MessageView[]; nextCursor: string | null; events: TimelineEventView[] }> {
  await visibleTicket(ctx, viewer, id);
  const after = decodeCursor(opts.cursor, 1)?.[0];
  const rows = await messagesOfTicket(ctx.db, id, after ?? 0, opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  const more = rows.length > opts.limit && last !== undefined;
  const [items, events] = await Promise.all([
    presentMessages(ctx.db, page),
    timelineEvents(ctx.db, id, { afterMessageId: after, to: more ? last.created_at : undefined }),
  ]);
  return { items, nextCursor: more ? encodeCursor([last.id]) : null, events };
}

/** Changes newer than the audit line `afterId`: what a live update has not shown yet. */
export async function listTimelineEvents(ctx: AppContext, viewer: Viewer, id: number, afterId: number): Promise<TimelineEventView[]> {
  await visibleTicket(ctx, viewer, id);
  return timelineEvents(ctx.db, id, { afterId });
}

export async function updateTicket(ctx: AppContext, viewer: Viewer, id: number, patch: TicketPatch): Promise<TicketView> {
  const actor = agentActor(viewer);
  const row = await ctx.database.transaction(async (tx, onCommit) => {
    await lockRows(tx, 'tickets', [id]);
    const ticket = await visibleTicket(ctx, viewer, id, tx);
    const result = await applyTicketPatch(tx, ticket, patch, actor, now());
    onCommit(() => result.events.forEach((e) => ctx.bus.emit(e)));
    return result.ticket;
  });
  return presentOneTicket(ctx.db, row, viewer.id);
}

export interface BulkChanges {
  status?: TicketPatch['status'];
  priority?: TicketPatch['priority'];
  assigneeId?: number | null | undefined;
  teamId?: number | null | undefined;
  addLabels?: string[] | undefined;
  removeLabels?: string[] | undefined;
}

/** One transaction for the whole selection; tickets the viewer may not see are skipped, not revealed. */
export async function bulkUpdate(ctx: AppContext, viewer: Viewer, ids: number[], changes: BulkChanges): Promise<number> {
  const actor = agentActor(viewer);
  const unique = [...new Set(ids)];
  return ctx.database.transaction(async (tx, onCommit) => {
    const access = await ticketAccess(ctx, viewer, tx);
    await lockRows(tx, 'tickets', unique);
    const rows = unique.length === 0 ? [] : await tx.selectFrom('tickets').selectAll().where('id', 'in', unique).execute();
    const events: KefuEvent[] = [];
    let updated = 0;
    const at = now();
    for (const ticket of rows) {
      if (!canSeeTicket(access, ticket)) continue;
      const result = await applyTicketPatch(tx, ticket, changes, actor, at);
      if (result.changes.length > 0) updated++;
      events.push(...result.events);
    }
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    return updated;
  });
}

/**
 * The channel a new agent-started ticket goes out on: the one asked for (it must exist and be able
 * to send), else the contact's latest if it still can, else the first that can send, else none:
 * a note-only ticket (see NOTE_ONLY_CHANNEL).
 */
async function channelFor(ctx: AppContext, db: DbOrTx, contactId: number, asked: ChannelRef | undefined): Promise<ChannelRef> {
  if (asked) {
    if (!isConfigured(ctx.config, asked)) {
      throw new BadRequest(`channel: there is no ${asked.kind} channel "${asked.name}"; configure it first`, { field: 'channel' }, 'unknown_channel');
    }
    if (!canSend(ctx.config, asked)) {
      throw new BadRequest(`channel: the ${asked.kind} channel "${asked.name}" cannot send (it has no smtp section)`, { field: 'channel' }, 'channel_cannot_send');
    }
    return asked;
  }
  const latest = await db
    .selectFrom('tickets')
    .select(['channel_kind', 'channel_name'])
    .where('contact_id', '=', contactId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest && canSend(ctx.config, { kind: latest.channel_kind, name: latest.channel_name })) {
    return { kind: latest.channel_kind, name: latest.channel_name };
  }
  return firstOutboundChannel(ctx.config) ?? NOTE_ONLY_CHANNEL;
}

export interface NewTicketInput {
  contactId: number;
  subject: string;
  text: string;
  html?: string | undefined;
  channel?: ChannelRef | undefined;
  attachmentIds?: number[] | undefined;
}

/** An agent opens a ticket on a contact's behalf: assigned to that agent, first message a reply to the contact. */
export async function createTicket(ctx: AppContext, viewer: Viewer, input: NewTicketInput): Promise<TicketView> {
  const subject = input.subject.replace(/\s+/g, ' ').trim();
  if (subject === '') throw new BadRequest('subject: must not be empty', { field: 'subject' });
  const actor = agentActor(viewer);
  const ticketId = await ctx.database.transaction(async (tx, onCommit) => {
    const contact = await findContact(tx, input.contactId);
    if (!contact) throw new BadRequest(`contactId: no contact ${input.contactId}`, { field: 'contactId' });
    const channel = await channelFor(ctx, tx, contact.id, input.channel);
    const at = now();
    const ticket = await insertTicket(tx, {
      subject: subject.slice(0, 250),
      channel_kind: channel.kind,
      channel_name: channel.name,
      contact_id: contact.id,
      assignee_id: viewer.id,
      at,
    });
    await recordAudit(tx, {
      actor,
      action: 'ticket.created',
      entityKind: 'ticket',
      entityId: ticket.id,
      after: { number: ticket.number, subject: ticket.subject, contactId: contact.id, channel },
    });
    const written = await writeAgentMessage(ctx, tx, viewer, ticket, {
      kind: canSend(ctx.config, channel) ? 'reply' : 'note',
      text: input.text,
      html: input.html,
      attachmentIds: input.attachmentIds,
    });
    const view = await presentOneTicket(tx, written.ticket, null);
    onCommit(() => {
      ctx.bus.emit({ type: 'ticket.created', actor, ticketId: ticket.id, assigneeId: ticket.assignee_id, teamId: null, ticket: view });
      written.events.forEach((e) => ctx.bus.emit(e));
      ctx.outbox.nudge();
    });
    return ticket.id;
  });
  return getTicket(ctx, viewer, ticketId);
}
