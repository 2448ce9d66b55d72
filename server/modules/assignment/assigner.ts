import type { AppContext } from '../../context.js';
import type { KefuEvent } from '../../realtime/events.js';
import { announceQueue, assignTicket, reassign, type Outcome } from './service.js';
import { waitingTickets } from './queries.js';
import { channelClass, loadAllSettings, teamKey, type AssignmentSettings } from './settings.js';

const SWEEP_MS = 5_000;

/**
 * Runs assignment for one process. Every decision goes through one chain, so two decisions never
 * read the same loads at once and overfill an agent; the ticket itself is still guarded by a
 * conditional UPDATE. Reacts to domain events after their commit; the time-based parts
 * (pick-up timeout, away grace, skills fallback) run from sweep(now), safe to run twice.
 */
export class Assigner {
  #chain: Promise<unknown> = Promise.resolve();
  /** since when each agent has not been online (in memory, like presence itself) */
  readonly #notOnlineSince = new Map<number, number>();
  readonly #offs: Array<() => void> = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: AppContext) {}

  start(): void {
    const bus = this.ctx.bus;
    this.#offs.push(
      bus.on('ticket.created', (e) => void this.#soon(() => this.#assign(e.ticketId))),
      bus.on('ticket.updated', (e) => this.#onUpdated(e)),
      bus.on('message.created', (e) => this.#onMessage(e)),
      bus.on('agent.presence', (e) => this.#onPresence(e.agentId, e.presence, Date.now())),
      // An agent leaving through another process (or with it, when it dies) has chats here too;
      // the sweep asks the shared presence before it moves any, and a move is guarded by its agent.
      bus.onAnyProcess('agent.presence', (e, peer) => {
        if (peer && e.presence !== 'online') this.notOnlineSince(e.agentId, Date.now());
      }),
    );
    this.#timer = setInterval(() => void this.sweep(Date.now()), SWEEP_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    for (const off of this.#offs.splice(0)) off();
  }

  /** Waits for every decision queued so far. */
  idle(): Promise<void> {
    return this.#chain.then(() => undefined);
  }

  /** Assigns the ticket now if it can, or queues it. */
  run(ticketId: number, at: number = Date.now()): Promise<Outcome> {
    return this.#soon(() => assignTicket(this.ctx, ticketId, at));
  }

  /** Serves each queue (or one team's), oldest first, until nobody can take the next ticket. */
  drain(teamKeys: number[] | null = null, at: number = Date.now()): Promise<number> {
    return this.#soon(() => this.#drain(teamKeys, at));
  }

  /** Pick-up timeouts, away agents' chats after the grace period, skills giving way after their wait. */
  sweep(at: number): Promise<void> {
    return this.#soon(async () => {
      const all = await loadAllSettings(this.ctx.db);
      await this.#pickupTimeouts(all, at);
      await this.#awayAgents(all, at);
      await this.#drain([...all.keys()], at);
    });
  }

  /** For presence that changed while nothing listened, and for tests' fake clocks. */
  notOnlineSince(agentId: number, at: number | null): void {
    if (at === null) this.#notOnlineSince.delete(agentId);
    else if (!this.#notOnlineSince.has(agentId)) this.#notOnlineSince.set(agentId, at);
  }

  #soon<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(fn);
    this.#chain = next.catch((err: unknown) => this.ctx.logger.error({ err, subsystem: 'assignment' }, 'assignment failed'));
    // Logged above; callers that await still see the failure, fire-and-forget callers leave none unhandled.
    next.catch(() => undefined);
    return next;
  }

  async #assign(ticketId: number): Promise<Outcome> {
    return assignTicket(this.ctx, ticketId, Date.now());
  }

  async #drain(teamKeys: number[] | null, at: number): Promise<number> {
    const keys = teamKeys ?? [...(await loadAllSettings(this.ctx.db)).keys()];
    let assigned = 0;
    for (const key of keys) {
      const waiting = await waitingTickets(this.ctx.db, key);
      let changed = false;
      for (const { id } of waiting) {
        const outcome = await assignTicket(this.ctx, id, at);
        if (outcome !== 'queued') changed = true;
        if (outcome === 'assigned') assigned++;
      }
      // Everyone behind a ticket that left the queue moved up a place.
      if (changed) for (const { id } of await waitingTickets(this.ctx.db, key)) await announceQueue(this.ctx, id);
    }
    return assigned;
  }

  async #pickupTimeouts(all: Map<number, AssignmentSettings>, at: number): Promise<void> {
    for (const [key, settings] of all) {
      if (settings.mode === 'off' || settings.pickupSeconds === 0) continue;
      const due = await this.ctx.db
        .selectFrom('assignment_tickets as at')
        .innerJoin('tickets as t', 't.id', 'at.ticket_id')
        .select(['t.id', 't.assignee_id', 't.channel_kind'])
        .where('at.team_id', '=', key)
        .where('at.picked_up', '=', 0)
        .where('at.assigned_at', '<=', at - settings.pickupSeconds * 1000)
        .whereRef('t.assignee_id', '=', 'at.assigned_agent_id')
        .where('t.status', '=', 'open')
        .execute();
      for (const t of due) {
        if (channelClass(t.channel_kind) !== 'chat' || t.assignee_id === null) continue;
        await reassign(this.ctx, t.id, t.assignee_id, at, 'no_pickup', false);
      }
    }
  }

  async #awayAgents(all: Map<number, AssignmentSettings>, at: number): Promise<void> {
    for (const [agentId, since] of this.#notOnlineSince) {
      if (this.ctx.presence.get(agentId) === 'online') {
        this.#notOnlineSince.delete(agentId);
        continue;
      }
      const chats = await this.ctx.db
        .selectFrom('tickets')
        .select(['id', 'team_id', 'channel_kind'])
        .where('assignee_id', '=', agentId)
        .where('status', 'in', ['open', 'pending'])
        .where('channel_kind', '!=', 'email')
        .execute();
      for (const t of chats) {
        const settings = all.get(teamKey(t.team_id));
        if (!settings || settings.mode === 'off' || at - since < settings.awayGraceSeconds * 1000) continue;
        const reason = this.ctx.presence.get(agentId) === 'away' ? 'agent_away' : 'agent_offline';
        await reassign(this.ctx, t.id, agentId, at, reason, true);
      }
    }
  }

  #onPresence(agentId: number, presence: 'online' | 'away' | 'offline', at: number): void {
    if (presence === 'online') {
      this.#notOnlineSince.delete(agentId);
      void this.drain(null, at);
    } else this.notOnlineSince(agentId, at);
  }

  #onUpdated(e: Extract<KefuEvent, { type: 'ticket.updated' }>): void {
    if (e.actor.kind === 'automation' && e.actor.rule === 'assignment') return;
    // New SLA due times change nothing assignment looks at: no second attempt for every new ticket.
    if (e.changes.every((c) => c === 'sla')) return;
    const status = e.ticket.status;
    const freed = e.previous.assigneeId !== null && (e.changes.includes('status') || e.changes.includes('assignee'));
    void this.#soon(async () => {
      // A reopened ticket whose agent is not online goes through assignment again.
      if (e.changes.includes('status') && status === 'open' && e.assigneeId !== null && this.ctx.presence.get(e.assigneeId) === 'offline') {
        await reassign(this.ctx, e.ticketId, e.assigneeId, Date.now(), 'agent_offline', true);
      } else if (e.assigneeId === null && status === 'open') {
        await assignTicket(this.ctx, e.ticketId, Date.now());
      } else if (e.changes.includes('assignee') || status !== 'open') {
        await assignTicket(this.ctx, e.ticketId, Date.now());
      }
      if (freed) await this.#drain(null, Date.now());
    });
  }

  #onMessage(e: Extract<KefuEvent, { type: 'message.created' }>): void {
    if (e.message.kind === 'outbound' && e.actor.kind === 'agent') {
      const agentId = e.actor.id;
      void this.ctx.db
        .updateTable('assignment_tickets')
        .set({ picked_up: 1 })
        .where('ticket_id', '=', e.ticketId)
        .where('assigned_agent_id', '=', agentId)
        .execute();
      return;
    }
    // A new message on a ticket that already existed and still has nobody.
    if (e.message.kind === 'inbound' && e.assigneeId === null && e.ticket.messageCount > 1) void this.#soon(() => this.#assign(e.ticketId));
  }
}

const assigners = new WeakMap<AppContext, Assigner>();

/** Starts assignment for this context; stopped when it closes. */
export function startAssignment(ctx: AppContext): Assigner {
  const assigner = new Assigner(ctx);
  assigner.start();
  assigners.set(ctx, assigner);
  // A decision already queued still reads and writes the database: let it finish before the
  // database closes (a one-shot command such as mail-pipe closes right after its intake).
  ctx.onClose(async () => {
    assigner.stop();
    await assigner.idle();
  });
  return assigner;
}

export function assignerOf(ctx: AppContext): Assigner {
  const a = assigners.get(ctx);
  if (!a) throw new Error('assignment is not started');
  return a;
}

/** Runs automatic assignment for one ticket (the rules engine's entry point). */
export function runAssignment(ctx: AppContext, ticketId: number): Promise<Outcome> {
  return assignerOf(ctx).run(ticketId);
}
