import type { AppContext } from '../../context.js';
import type { KefuEvent } from '../../realtime/events.js';
import { now } from '../../db/database.js';
import { onNewTicket } from '../../intake/new-ticket-hooks.js';
import { firstClockWriter } from './first-clock-writes.js';
import { cachedPolicies } from './policy-cache.js';
import { firstClocks, recomputeTicket } from './recompute.js';
import { slaChangedEvent } from './sla-events.js';
import { sqliteOnly } from '../../db/sqlite-only.js';

/**
 * SLA clocks ride on the domain events intake and the ticket service emit: any change to a ticket,
 * a message on it, or its contact's attributes recomputes its clocks. Nothing calls this module directly.
 * Returns the unsubscribe, which waits for a re-computation under way.
 */
export function startSlaClocks(ctx: AppContext): () => Promise<void> {
  const log = ctx.logger.child({ subsystem: 'sla' });
  const policiesUsing = sqliteOnly(ctx.database, 'SLA clocks').sqlite.prepare<[number], { name: string }>('select name from sla_policies where business_hours_id = ? order by name');
  // Started synchronously from the handler, so the transaction queues ahead of any request that follows
  // the change: a client that reads the ticket after its PATCH sees the new due times.
  // Most desks have no policy, and most tickets no clock: those need no write transaction per
  // message (which also held the write lock for nothing while intake wanted it).
  const anyPolicy = sqliteOnly(ctx.database, 'SLA clocks').sqlite.prepare<[], { one: number }>('select 1 as one from sla_policies limit 1');
  const hasClock = sqliteOnly(ctx.database, 'SLA clocks').sqlite.prepare<[number], { one: number }>('select 1 as one from sla_targets where ticket_id = ? limit 1');
  const agentReplied = sqliteOnly(ctx.database, 'SLA clocks').sqlite.prepare<[number], { one: number }>(
    "select 1 as one from messages where ticket_id = ? and kind = 'outbound' and author_kind = 'agent' limit 1",
  );
  // Only customer messages and agent replies start or stop clocks, and a customer message only once an
  // agent has answered (it starts a next-response wait): before that, first response is already running.
  const movesClocks = (ticketId: number, m: { kind: string; author: { kind: string } }): boolean => {
    if (m.kind === 'outbound') return m.author.kind === 'agent';
    return m.kind === 'inbound' && agentReplied.get(ticketId) !== undefined;
  };
  const mayHaveSla = (ids: number[]) => anyPolicy.get() !== undefined || ids.some((id) => hasClock.get(id) !== undefined);
  // Events of one burst (a ticket's created and first message, a batch of intake commits) are
  // gathered and recomputed in one transaction, each ticket once. The flush is a microtask, so its
  // transaction still queues ahead of any request that follows the change.
  let pending = new Set<number>();
  let inflight: Promise<void> = Promise.resolve();
  const recompute = (ids: number[]): void => {
    if (!mayHaveSla(ids)) return;
    if (pending.size === 0) queueMicrotask(flush);
    for (const id of ids) pending.add(id);
  };
  const flush = () => {
    const ids = [...pending];
    pending = new Set();
    inflight = recomputeIn(ids);
  };
  const recomputeIn = (ids: number[]) =>
    ctx.database
      .transaction(async (tx, onCommit) => {
        const events: KefuEvent[] = [];
        const policies = (await cachedPolicies(sqliteOnly(ctx.database, 'SLA clocks'), tx)).map((p) => p.row);
        const at = now();
        for (const id of ids) {
          const changed = await recomputeTicket(ctx.businessHours, tx, id, at, policies);
          if (changed) events.push(await slaChangedEvent(tx, changed));
        }
        onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
      })
      .catch((err: unknown) => log.error({ err, ticketIds: ids }, 'SLA re-computation failed'));

  // A ticket intake creates gets its first clocks in intake's own transaction, from the facts intake
  // holds: recomputing them here cost a transaction, a dozen reads and a second ticket event per new
  // ticket, which made intake under SLA policies half as fast as without. Its created event then
  // needs nothing more; every later change still comes through the events below.
  const timedAtIntake = new Set<number>();
  const writeFirstClocks = firstClockWriter(sqliteOnly(ctx.database, 'SLA clocks').sqlite);
  const offs = [
    onNewTicket(ctx, async (tx, created, onCommit) => {
      const policies = await cachedPolicies(sqliteOnly(ctx.database, 'SLA clocks'), tx);
      if (policies.length === 0) return created.ticket;
      try {
        const at = now();
        const first = firstClocks(ctx.businessHours, policies, created, at);
        if (first) writeFirstClocks(created.ticket.id, first, at);
        // No policy applies: a recompute would find none either, so none is asked for.
        onCommit(() => timedAtIntake.add(created.ticket.id));
        return first ? { ...created.ticket, ...first.columns } : created.ticket;
      } catch (err) {
        // The message matters more than its clocks: the created event's recompute tries again.
        log.error({ err, ticketId: created.ticket.id }, 'SLA clocks of a new ticket failed');
        return created.ticket;
      }
    }),
    ctx.bus.on('ticket.created', (e) => {
      if (!timedAtIntake.delete(e.ticketId)) recompute([e.ticketId]);
    }),
    ctx.bus.on('ticket.updated', (e) => {
      if (e.changes.length === 1 && e.changes[0] === 'sla') return;
      return recompute([e.ticketId]);
    }),
    ctx.bus.on('message.created', (e) => {
      if (movesClocks(e.ticketId, e.message)) recompute([e.ticketId]);
    }),
    ctx.bus.on('ticket.merged', (e) => recompute([e.ticketId, e.intoTicketId])),
    ctx.bus.on('contact.updated', async (e) => {
      const rows = await ctx.db.selectFrom('tickets').select('id').where('contact_id', '=', e.contactId).where('status', '!=', 'closed').execute();
      if (rows.length > 0) await recompute(rows.map((r) => r.id));
    }),
    // Asked from inside the calendar delete's transaction: a synchronous read on the same connection.
    ctx.businessHours.registerUsers('SLA policy', (id) => policiesUsing.all(id).map((p) => ({ kind: 'SLA policy', name: p.name }))),
  ];
  return async () => {
    offs.forEach((off) => off());
    await inflight;
  };
}
