import { sql } from 'kysely';
import { jsonAppendInteger } from '../../db/dialect-sql.js';
import type { AppContext } from '../../context.js';
import type { Actor } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recordAudit } from '../audit/service.js';
import { presentOneTicket } from '../tickets/presenter.js';
import { findTicket } from '../tickets/queries.js';
import { chooseAgent, type Choice } from './chooser.js';
import { markWaiting, queuePlace, recentAssignmentWaitMs, stickyAgent, stopWaiting, teamCandidates, ticketFacts, type TicketFacts } from './queries.js';
import { channelClass, teamKey, type AssignmentSettings } from './settings.js';

export const ASSIGNMENT_ACTOR: Actor = { kind: 'automation', rule: 'assignment' };
const DAY = 86_400_000;

export type Outcome = 'assigned' | 'queued' | 'skipped';
export type Reason = Choice['reason'] | 'no_pickup' | 'agent_away' | 'agent_offline';

/** Does assignment apply to this ticket at all? Not while the answer bot handles the chat. */
const applies = (facts: TicketFacts, settings: AssignmentSettings): boolean =>
  settings.mode !== 'off' && facts.status === 'open' && !facts.botActive && settings.channels.includes(facts.channelKind);

/** Emits a queue change for the widget (position null: no longer waiting). */
export async function announceQueue(ctx: AppContext, ticketId: number): Promise<void> {
  const place = await queuePlace(ctx.db, ticketId);
  ctx.bus.emit({ type: 'assignment.queue', actor: ASSIGNMENT_ACTOR, ticketId, position: place?.position ?? null });
}

/**
 * Moves a ticket from one assignee to another, only if it still has `from` (a conditional UPDATE):
 * two intakes, a sweep and a person racing for one ticket can never both win. Audited with
 * automation as actor, so the timeline shows it and automation does not react to itself.
 */
export async function moveTicket(
  ctx: AppContext,
  ticketId: number,
  from: number | null,
  to: number | null,
  at: number,
  reason: Reason,
): Promise<boolean> {
  const events: KefuEvent[] = [];
  const moved = await ctx.database.transaction(async (tx, onCommit) => {
    const result = await tx
      .updateTable('tickets')
      .set({ assignee_id: to, updated_at: at })
      .where('id', '=', ticketId)
      .where('assignee_id', from === null ? 'is' : '=', from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    const ticket = await findTicket(tx, ticketId);
    if (!ticket) return false;
    const key = teamKey(ticket.team_id);
    await tx
      .insertInto('assignment_tickets')
      .values({ ticket_id: ticketId, team_id: key, waiting_since: to === null ? at : null, assigned_agent_id: to, assigned_at: to === null ? null : at })
      .onConflict((oc) =>
        oc.column('ticket_id').doUpdateSet({ team_id: key, waiting_since: to === null ? at : null, assigned_agent_id: to, assigned_at: to === null ? null : at, picked_up: 0 }),
      )
      .execute();
    if (to !== null) {
      await tx
        .insertInto('assignment_agents')
        .values({ agent_id: to, last_assigned_at: at })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet({ last_assigned_at: at }))
        .execute();
      await tx.updateTable('assignment_settings').set({ rr_last_agent_id: to }).where('team_id', '=', key).execute();
    }
    await recordAudit(tx, {
      actor: ASSIGNMENT_ACTOR,
      action: 'ticket.updated',
      entityKind: 'ticket',
      entityId: ticketId,
      before: { assigneeId: from },
      after: { assigneeId: to, reason },
    });
    const view = await presentOneTicket(tx, ticket, null);
    events.push({
      type: 'ticket.updated',
      actor: ASSIGNMENT_ACTOR,
      ticketId,
      assigneeId: to,
      teamId: ticket.team_id,
      ticket: view,
      changes: ['assignee'],
      previous: { assigneeId: from, teamId: ticket.team_id },
    });
    onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
    return true;
  });
  return moved;
}

async function rrCursor(ctx: AppContext, key: number): Promise<number | null> {
  const { rows } = await sql<{ rr_last_agent_id: number | null }>`select rr_last_agent_id from assignment_settings where team_id = ${key}`.execute(ctx.db);
  return rows[0]?.rr_last_agent_id ?? null;
}

/** The decision alone: who would get this ticket now (excluding `exclude`), without writing anything. */
export async function decide(
  ctx: AppContext,
  facts: TicketFacts,
  settings: AssignmentSettings,
  at: number,
  exclude: readonly number[] = [],
): Promise<Choice | null> {
  const key = teamKey(facts.teamId);
  const [team, sticky, last] = await Promise.all([
    teamCandidates(ctx.db, key, ctx.presence),
    settings.stickyDays > 0 ? stickyAgent(ctx.db, facts.contactId, facts.id, at - settings.stickyDays * DAY) : Promise.resolve(null),
    settings.mode === 'round_robin' ? rrCursor(ctx, key) : Promise.resolve(null),
  ]);
  return chooseAgent(
    team,
    {
      channelClass: channelClass(facts.channelKind),
      language: facts.language,
      labels: facts.labels,
      stickyAgentId: sticky,
      waitingSince: facts.waitingSince ?? at,
      passedOver: [...facts.passedOver, ...exclude],
    },
    settings,
    last,
    at,
  );
}

/**
 * Gives an unassigned open ticket to an agent, or puts it in its team's queue when nobody can take it.
 * What the rules engine calls too. Safe to call any number of times for one ticket.
 */
export async function assignTicket(ctx: AppContext, ticketId: number, at: number): Promise<Outcome> {
  const facts = await ticketFacts(ctx.db, ticketId);
  if (!facts) return 'skipped';
  const { settings } = facts;
  if (facts.assigneeId !== null || !applies(facts, settings)) {
    // Facts read just now say whether it waits: most intake never queued, and asks no more of the database.
    if (facts.waitingSince !== null && (await stopWaiting(ctx.db, ticketId))) await announceQueue(ctx, ticketId);
    return 'skipped';
  }
  const choice = await decide(ctx, facts, settings, at);
  if (choice && (await moveTicket(ctx, ticketId, null, choice.agentId, at, choice.reason))) {
    await announceQueue(ctx, ticketId);
    return 'assigned';
  }
  if (choice) return 'skipped';
  await markWaiting(ctx.db, ticketId, teamKey(facts.teamId), at);
  await announceQueue(ctx, ticketId);
  return 'queued';
}

/** An assignee did not reply in time or went away: the next available agent gets the ticket, else its queue. */
export async function reassign(ctx: AppContext, ticketId: number, fromAgentId: number, at: number, reason: Reason, queueIfNobody: boolean): Promise<boolean> {
  const facts = await ticketFacts(ctx.db, ticketId);
  if (!facts || facts.assigneeId !== fromAgentId) return false;
  const { settings } = facts;
  if (!applies(facts, settings) && facts.status !== 'pending') return false;
  if (reason === 'no_pickup') {
    await ctx.db
      .updateTable('assignment_tickets')
      .set({ passed_over: jsonAppendInteger(ctx.db, sql`passed_over`, fromAgentId) })
      .where('ticket_id', '=', ticketId)
      .execute();
  }
  const choice = await decide(ctx, facts, settings, at, [fromAgentId]);
  if (choice) return moveTicket(ctx, ticketId, fromAgentId, choice.agentId, at, reason);
  if (!queueIfNobody) return false;
  const moved = await moveTicket(ctx, ticketId, fromAgentId, null, at, reason);
  if (moved) await announceQueue(ctx, ticketId);
  return moved;
}

/** Where a waiting ticket stands now: its place (1: next) and estimated minutes; null when it is not waiting. */
export async function queueStanding(ctx: AppContext, ticketId: number): Promise<{ position: number; waitMinutes: number } | null> {
  const place = await queuePlace(ctx.db, ticketId);
  return place ? { position: place.position, waitMinutes: await estimatedWaitMinutes(ctx, ticketId, place.position) } : null;
}

/** Per place in line when a team has no assignment history to go by. */
const DEFAULT_WAIT_PER_PLACE_MS = 2 * 60_000;

/**
 * Estimated minutes until a waiting ticket gets someone: its place times the team's recent mean
 * time to first automatic assignment (two minutes a place without history), at least one minute.
 */
export async function estimatedWaitMinutes(ctx: AppContext, ticketId: number, position: number): Promise<number> {
  const row = await ctx.db.selectFrom('assignment_tickets').select('team_id').where('ticket_id', '=', ticketId).executeTakeFirst();
  const perPlace = (row ? await recentAssignmentWaitMs(ctx.db, row.team_id) : null) ?? DEFAULT_WAIT_PER_PLACE_MS;
  return Math.max(1, Math.round((position * perPlace) / 60_000));
}
