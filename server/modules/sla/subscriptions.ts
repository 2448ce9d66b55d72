import type { AppContext } from '../../context.js';
import type { KefuEvent } from '../../realtime/events.js';
import { now } from '../../db/database.js';
import { onNewTicket } from '../../intake/new-ticket-hooks.js';
import { postgresClockStore, sqliteClockStore, type SlaClockStore } from './clock-store.js';
import { cachedPolicies } from './policy-cache.js';
import { firstClocks, recomputeTicket } from './recompute.js';
import { slaChangedEvent } from './sla-events.js';

/**
 * SLA clocks ride on the domain events intake and the ticket service emit: any change to a ticket,
 * a message on it, or its contact's attributes recomputes its clocks. Nothing calls this module directly.
 * Returns the unsubscribe, which waits for a re-computation under way.
 */
export function startSlaClocks(ctx: AppContext): () => Promise<void> {
  const log = ctx.logger.child({ subsystem: 'sla' });
  const store: SlaClockStore = ctx.database.driver === 'sqlite' ? sqliteClockStore(ctx.database) : postgresClockStore(ctx.database);
  // Events of one burst (a ticket's created and first message, a batch of intake commits) are
  // gathered and recomputed in one transaction, each ticket once. The flush is a microtask, so its
  // transaction still queues ahead of any request that follows the change (on SQLite by its one
  // connection; on PostgreSQL the committing request waits for it through store.follow): a client
  // that reads the ticket after its PATCH sees the new due times.
  let pending = new Set<number>();
  let flushed: Promise<void> = Promise.resolve();
  let inflight: Promise<void> = Promise.resolve();
  const queue = (ids: number[]): Promise<void> => {
    if (pending.size === 0) {
      let done: () => void = () => undefined;
      flushed = new Promise((resolve) => (done = resolve));
      queueMicrotask(() => flush().finally(done));
    }
    for (const id of ids) pending.add(id);
    return flushed;
  };
  const flush = () => {
    const ids = [...pending];
    pending = new Set();
    inflight = recomputeIn(ids);
    return inflight;
  };
  // `alsoIf`, when given, is a further condition the event must meet to start or stop a clock; it is
  // asked only once some SLA may apply, since that check costs no statement while policies exist.
  // Returns when the recompute asked for is done, or nothing when none is.
  const recompute = (ids: number[], alsoIf?: () => boolean | Promise<boolean>): Promise<void> | undefined => {
    const may = store.mayHaveSla(ids);
    const decided = !alsoIf ? may : may === true ? alsoIf() : may === false ? false : may.then((yes) => yes && alsoIf());
    if (decided === true) return queue(ids);
    if (decided === false) return undefined;
    const work = decided.then((yes) => (yes ? queue(ids) : undefined)).catch((err: unknown) => log.error({ err, ticketIds: ids }, 'SLA check failed'));
    store.follow(work);
    return work;
  };
  // Only customer messages and agent replies start or stop clocks, and a customer message only once an
  // agent has answered (it starts a next-response wait): before that, first response is already running.
  const onMessage = (ticketId: number, m: { kind: string; author: { kind: string } }): Promise<void> | undefined => {
    if (m.kind === 'outbound') return m.author.kind === 'agent' ? recompute([ticketId]) : undefined;
    if (m.kind !== 'inbound') return undefined;
    return recompute([ticketId], () => store.agentReplied(ticketId));
  };
  const recomputeIn = (ids: number[]) =>
    ctx.database
      .transaction(async (tx, onCommit) => {
        const events: KefuEvent[] = [];
        const policies = (await cachedPolicies(ctx.database, tx)).map((p) => p.row);
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
  const offs = [
    onNewTicket(ctx, async (tx, created, onCommit) => {
      const policies = await cachedPolicies(ctx.database, tx);
      if (policies.length === 0) return created.ticket;
      try {
        const at = now();
        const first = firstClocks(ctx.businessHours, policies, created, at);
        if (first) await store.writeFirstClocks(tx, created.ticket.id, first, at);
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
    ctx.bus.on('message.created', (e) => onMessage(e.ticketId, e.message)),
    ctx.bus.on('ticket.merged', (e) => recompute([e.ticketId, e.intoTicketId])),
    ctx.bus.on('contact.updated', (e) => {
      const work = ctx.db
        .selectFrom('tickets')
        .select('id')
        .where('contact_id', '=', e.contactId)
        .where('status', '!=', 'closed')
        .execute()
        .then((rows) => (rows.length > 0 ? recompute(rows.map((r) => r.id)) : undefined));
      store.follow(work);
      return work;
    }),
    // Asked from inside the calendar delete's transaction.
    ctx.businessHours.registerUsers('SLA policy', async (id, db) => (await store.policiesUsing(id, db)).map((p) => ({ kind: 'SLA policy', name: p.name }))),
  ];
  return async () => {
    offs.forEach((off) => off());
    await inflight;
  };
}
