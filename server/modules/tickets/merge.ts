import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recordAudit } from '../audit/service.js';
import { appendMessage, refreshSummary } from './messages.js';
import { agentActor, visibleTicket, type Viewer } from './policy.js';
import { presentOneTicket } from './presenter.js';
import { updateTicketRow } from './queries.js';
import type { TicketView } from './schemas.js';

/**
 * Merges `sourceId` into `intoId`: the source's messages and labels move to the target, the
 * source is closed and remembers where it went (intake follows that link), both timelines
 * get a system line, and the audit log records it. The lines' meta carries the numbers and the
 * merger's name so the app can word them in the agent's language; the English text is for previews.
 */
export async function mergeTickets(ctx: AppContext, viewer: Viewer, sourceId: number, intoId: number): Promise<TicketView> {
  if (sourceId === intoId) throw new BadRequest('intoTicketId: a ticket cannot be merged into itself', { field: 'intoTicketId' });
  const actor = agentActor(viewer);
  const merged = await ctx.database.transaction(async (tx, onCommit) => {
    const source = await visibleTicket(ctx, viewer, sourceId, tx);
    const into = await visibleTicket(ctx, viewer, intoId, tx);
    if (source.merged_into_id !== null) throw new BadRequest('id: this ticket was already merged', { field: 'id' });
    if (into.merged_into_id !== null) throw new BadRequest('intoTicketId: that ticket was merged into another', { field: 'intoTicketId' });
    const at = now();
    const moved = await tx.updateTable('messages').set({ ticket_id: intoId }).where('ticket_id', '=', sourceId).executeTakeFirst();
    await tx
      .insertInto('ticket_labels')
      .columns(['ticket_id', 'label_id'])
      .expression((eb) => eb.selectFrom('ticket_labels').select([eb.val(intoId).as('ticket_id'), 'label_id']).where('ticket_id', '=', sourceId))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await tx.insertInto('ticket_links').values({ ticket_id: sourceId, linked_ticket_id: intoId, kind: 'merged', created_at: at }).execute();
    const system = { kind: 'system' as const, id: null, name: 'Kefu' };
    const closed = await updateTicketRow(tx, sourceId, {
      status: 'closed',
      snoozed_until: null,
      merged_into_id: intoId,
      resolved_at: source.resolved_at ?? at,
      updated_at: at,
    });
    await refreshSummary(tx, sourceId);
    await appendMessage(tx, closed, {
      kind: 'system',
      author: system,
      text: `Merged into #${into.number} by ${viewer.name}.`,
      channel: { kind: closed.channel_kind, name: closed.channel_name },
      meta: { event: 'merged', intoTicketId: intoId, intoNumber: into.number, byName: viewer.name },
      createdAt: at,
    });
    await refreshSummary(tx, intoId);
    const target = await updateTicketRow(tx, intoId, {
      last_activity_at: Math.max(into.last_activity_at, source.last_activity_at, at),
      updated_at: at,
    });
    const { ticket: after } = await appendMessage(tx, target, {
      kind: 'system',
      author: system,
      text: `#${source.number} was merged into this ticket by ${viewer.name}.`,
      channel: { kind: target.channel_kind, name: target.channel_name },
      meta: { event: 'merged', fromTicketId: sourceId, fromNumber: source.number, byName: viewer.name },
      createdAt: at,
    });
    await recordAudit(tx, {
      actor,
      action: 'ticket.merged',
      entityKind: 'ticket',
      entityId: sourceId,
      before: { status: source.status, mergedIntoId: null },
      after: { status: 'closed', mergedIntoId: intoId, messagesMoved: Number(moved.numUpdatedRows) },
    });
    const view = await presentOneTicket(tx, after, null);
    const events: KefuEvent[] = [
      { type: 'ticket.merged', actor, ticketId: sourceId, assigneeId: source.assignee_id, teamId: source.team_id, intoTicketId: intoId, ticket: view },
      {
        type: 'ticket.updated',
        actor,
        ticketId: intoId,
        assigneeId: after.assignee_id,
        teamId: after.team_id,
        ticket: view,
        changes: ['messages'],
        previous: { assigneeId: into.assignee_id, teamId: into.team_id },
      },
    ];
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    return after;
  });
  return presentOneTicket(ctx.db, merged, viewer.id);
}
