import type { AppContext } from '../../context.js';
import { now, type Tx } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { messageEvent } from '../tickets/chat-events.js';
import { appendMessage } from '../tickets/messages.js';
import { applyTicketPatch } from '../tickets/patch.js';
import { iso } from '../tickets/presenter.js';
import { findTicket, type TicketRow } from '../tickets/queries.js';
import type { TicketPriority } from '../tickets/tables.js';
import { notifyAgents } from './notifications.js';
import { fireReminders } from './reminders.js';
import type { SlaAction } from './policy-types.js';
import { escalationOf } from './presenter.js';
import { findPolicyRow, type SlaTargetRow } from './queries.js';

export const SLA_ACTOR: Actor = { kind: 'automation', rule: 'sla' };
const BATCH = 200;
const RANK: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

export type Firing = 'warning' | 'breach';

export interface SweepOptions {
  /**
   * Called inside each firing's transaction after its actions: a throw there rolls the firing back
   * as a crash would, which is how tests stop a sweep half-way.
   */
  onFired?: (clock: SlaTargetRow, kind: Firing) => void;
}

async function recipients(tx: Tx, action: Extract<SlaAction, { type: 'notify' }>, ticket: TicketRow): Promise<number[]> {
  if (action.to === 'assignee') return ticket.assignee_id === null ? [] : [ticket.assignee_id];
  if (action.to === 'agents') return action.agentIds ?? [];
  let q = tx.selectFrom('agents').select('agents.id').where('agents.role', '=', 'supervisor');
  if (ticket.team_id !== null) {
    const teamId = ticket.team_id;
    q = q.where((eb) => eb.exists(eb.selectFrom('team_members').select('agent_id').whereRef('team_members.agent_id', '=', 'agents.id').where('team_members.team_id', '=', teamId)));
  }
  return (await q.execute()).map((r) => r.id);
}

const TARGET_WORDS: Record<string, string> = { first_response: 'first response', next_response: 'next response', resolution: 'resolution' };

/** Runs one action in the firing's transaction; returns the events to emit after commit. */
async function runAction(ctx: AppContext, tx: Tx, action: SlaAction, ticket: TicketRow, clock: SlaTargetRow, kind: Firing, at: number): Promise<{ ticket: TicketRow; events: KefuEvent[] }> {
  switch (action.type) {
    case 'notify': {
      const ids = await recipients(tx, action, ticket);
      const n = { kind: kind === 'warning' ? ('sla.warning' as const) : ('sla.breach' as const), ticket, target: clock.target, dueAt: clock.due_at };
      const events = await notifyAgents(ctx, tx, ids, n, at, { email: action.email === true });
      return { ticket, events };
    }
    case 'set_priority': {
      // Escalation only raises: a breach never makes a ticket look less urgent.
      if (RANK[action.priority] <= RANK[ticket.priority]) return { ticket, events: [] };
      return applyTicketPatch(tx, ticket, { priority: action.priority }, SLA_ACTOR, at);
    }
    case 'assign_team':
      if (ticket.team_id === action.teamId) return { ticket, events: [] };
      return applyTicketPatch(tx, ticket, { teamId: action.teamId }, SLA_ACTOR, at);
    case 'add_note': {
      const appended = await appendMessage(tx, ticket, {
        kind: 'note',
        author: { kind: 'system', id: null, name: 'SLA' },
        text: action.text,
        channel: { kind: ticket.channel_kind, name: ticket.channel_name },
        meta: { event: `sla.${kind}`, target: clock.target },
        createdAt: at,
      });
      return { ticket: appended.ticket, events: [await messageEvent(tx, SLA_ACTOR, appended.ticket, appended.message)] };
    }
  }
}

/** The breach as a line on the ticket's timeline, worded by the agent app from `meta`. */
async function breachLine(tx: Tx, ticket: TicketRow, clock: SlaTargetRow, at: number): Promise<{ ticket: TicketRow; events: KefuEvent[] }> {
  const appended = await appendMessage(tx, ticket, {
    kind: 'system',
    author: { kind: 'system', id: null, name: 'SLA' },
    // The list shows this text as the ticket's last message: no raw timestamp in it.
    text: `SLA breached: ${TARGET_WORDS[clock.target] ?? clock.target} (${clock.policy_name}).`,
    channel: { kind: ticket.channel_kind, name: ticket.channel_name },
    meta: { event: 'sla.breached', target: clock.target, dueAt: clock.due_at === null ? null : iso(clock.due_at), policy: clock.policy_name },
    createdAt: at,
  });
  return { ticket: appended.ticket, events: [await messageEvent(tx, SLA_ACTOR, appended.ticket, appended.message)] };
}

/**
 * Claims one warning or breach and runs its actions, all in one transaction. The claim is a
 * conditional UPDATE: of two sweeps (overlapping runs, two processes) only one changes the row, and a
 * crash before commit leaves it unclaimed for the next sweep. So each fires exactly once.
 */
async function fire(ctx: AppContext, id: number, kind: Firing, at: number, opts: SweepOptions): Promise<boolean> {
  return ctx.database.transaction(async (tx, onCommit) => {
    const column = kind === 'warning' ? 'warned_at' : 'breach_fired_at';
    const claimed = await tx
      .updateTable('sla_targets')
      .set(kind === 'warning' ? { warned_at: at } : { breach_fired_at: at, status: 'breached' })
      .where('id', '=', id)
      .where(column, 'is', null)
      .where('met_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const clock = await tx.selectFrom('sla_targets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    let ticket = await findTicket(tx, clock.ticket_id);
    if (!ticket) return true;
    const events: KefuEvent[] = [];
    if (kind === 'breach') {
      await tx.updateTable('tickets').set({ sla_breached: 1 }).where('id', '=', ticket.id).execute();
      const line = await breachLine(tx, ticket, clock, at);
      ticket = line.ticket;
      events.push(...line.events);
    }
    const policy = clock.policy_id === null ? undefined : await findPolicyRow(tx, clock.policy_id);
    for (const action of policy ? escalationOf(policy)[kind] : []) {
      const done = await runAction(ctx, tx, action, ticket, clock, kind, at);
      ticket = done.ticket;
      events.push(...done.events);
    }
    opts.onFired?.(clock, kind);
    onCommit(() => {
      events.forEach((e) => ctx.bus.emit(e));
      ctx.outbox.nudge();
    });
    return true;
  });
}

async function dueIds(ctx: AppContext, kind: Firing, at: number, skip: Set<number>): Promise<number[]> {
  const q =
    kind === 'warning'
      ? ctx.db.selectFrom('sla_targets').select('id').where('warned_at', 'is', null).where('met_at', 'is', null).where('warn_at', 'is not', null).where('warn_at', '<=', at).orderBy('warn_at')
      : ctx.db.selectFrom('sla_targets').select('id').where('breach_fired_at', 'is', null).where('met_at', 'is', null).where('due_at', 'is not', null).where('due_at', '<=', at).orderBy('due_at');
  const rows = await q.limit(BATCH + skip.size).execute();
  return rows.map((r) => r.id).filter((id) => !skip.has(id));
}

/**
 * Fires every warning and breach that is due at `at`: what the every-minute job runs, and what
 * runs at start-up so a breach that fell due while Kefu was stopped fires then.
 */
export async function sweepSla(ctx: AppContext, at: number = now(), opts: SweepOptions = {}): Promise<{ warnings: number; breaches: number; reminders?: number }> {
  const fired: { warnings: number; breaches: number; reminders?: number } = { warnings: 0, breaches: 0 };
  for (const kind of ['warning', 'breach'] as const) {
    const failed = new Set<number>();
    for (;;) {
      const ids = await dueIds(ctx, kind, at, failed);
      if (ids.length === 0) break;
      for (const id of ids) {
        try {
          if (await fire(ctx, id, kind, at, opts)) fired[kind === 'warning' ? 'warnings' : 'breaches']++;
        } catch (err) {
          // Left unclaimed for the next sweep; this one moves on.
          failed.add(id);
          if (opts.onFired) throw err;
          ctx.logger.error({ err, subsystem: 'sla', clockId: id, kind }, 'SLA escalation failed');
        }
      }
    }
  }
  const reminders = await fireReminders(ctx, at);
  if (reminders > 0) fired.reminders = reminders;
  return fired;
}
