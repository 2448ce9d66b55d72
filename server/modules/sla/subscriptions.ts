import type { AppContext } from '../../context.js';
import type { KefuEvent } from '../../realtime/events.js';
import { recomputeTicket } from './recompute.js';
import { slaChangedEvent } from './sla-events.js';

/**
 * SLA clocks ride on the domain events intake and the ticket service emit: any change to a ticket,
 * a message on it, or its contact's attributes recomputes its clocks. Nothing calls this module directly.
 * Returns the unsubscribe.
 */
export function startSlaClocks(ctx: AppContext): () => void {
  const log = ctx.logger.child({ subsystem: 'sla' });
  const policiesUsing = ctx.database.sqlite.prepare<[number], { name: string }>('select name from sla_policies where business_hours_id = ? order by name');
  // Started synchronously from the handler, so the transaction queues ahead of any request that follows
  // the change: a client that reads the ticket after its PATCH sees the new due times.
  // Most desks have no policy, and most tickets no clock: those need no write transaction per
  // message (which also held the write lock for nothing while intake wanted it).
  const anyPolicy = ctx.database.sqlite.prepare<[], { one: number }>('select 1 as one from sla_policies limit 1');
  const hasClock = ctx.database.sqlite.prepare<[number], { one: number }>('select 1 as one from sla_targets where ticket_id = ? limit 1');
  const mayHaveSla = (ids: number[]) => anyPolicy.get() !== undefined || ids.some((id) => hasClock.get(id) !== undefined);
  const recompute = async (ids: number[]): Promise<void> => {
    if (!mayHaveSla(ids)) return;
    await recomputeIn(ids);
  };
  const recomputeIn = (ids: number[]) =>
    ctx.database
      .transaction(async (tx, onCommit) => {
        const events: KefuEvent[] = [];
        for (const id of ids) {
          if (!(await recomputeTicket(ctx.businessHours, tx, id))) continue;
          const event = await slaChangedEvent(tx, id);
          if (event) events.push(event);
        }
        onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
      })
      .catch((err: unknown) => log.error({ err, ticketIds: ids }, 'SLA re-computation failed'));

  const offs = [
    ctx.bus.on('ticket.created', (e) => recompute([e.ticketId])),
    ctx.bus.on('ticket.updated', (e) => {
      if (e.changes.length === 1 && e.changes[0] === 'sla') return;
      return recompute([e.ticketId]);
    }),
    ctx.bus.on('message.created', (e) => recompute([e.ticketId])),
    ctx.bus.on('ticket.merged', (e) => recompute([e.ticketId, e.intoTicketId])),
    ctx.bus.on('contact.updated', async (e) => {
      const rows = await ctx.db.selectFrom('tickets').select('id').where('contact_id', '=', e.contactId).where('status', '!=', 'closed').execute();
      if (rows.length > 0) await recompute(rows.map((r) => r.id));
    }),
    // Asked from inside the calendar delete's transaction: a synchronous read on the same connection.
    ctx.businessHours.registerUsers('SLA policy', (id) => policiesUsing.all(id).map((p) => ({ kind: 'SLA policy', name: p.name }))),
  ];
  return () => offs.forEach((off) => off());
}
