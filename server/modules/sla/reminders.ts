import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { iso } from '../tickets/presenter.js';
import { visibleTicket, type Viewer } from '../tickets/policy.js';
import { findTicket } from '../tickets/queries.js';
import { notifyAgents } from './notifications.js';

export const ReminderSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  remindAt: Type.String(),
  note: Type.String(),
  /** also sent by email when it fires */
  email: Type.Boolean(),
  createdAt: Type.String(),
});
export type ReminderView = Static<typeof ReminderSchema>;

type Row = { id: number; ticket_id: number; remind_at: number; note: string; email: number; created_at: number };
const present = (r: Row): ReminderView => ({ id: r.id, ticketId: r.ticket_id, remindAt: iso(r.remind_at), note: r.note, email: r.email === 1, createdAt: iso(r.created_at) });
const COLUMNS = ['id', 'ticket_id', 'remind_at', 'note', 'email', 'created_at'] as const;

/** "Remind me" on a ticket the agent may see, at a time still to come. */
export async function createReminder(ctx: AppContext, viewer: Viewer, ticketId: number, remindAt: number, note: string, email = false): Promise<ReminderView> {
  await visibleTicket(ctx, viewer, ticketId);
  const at = now();
  if (!(remindAt > at)) throw new BadRequest('at: must be in the future', { field: 'at' });
  const row = await ctx.db
    .insertInto('ticket_reminders')
    .values({ ticket_id: ticketId, agent_id: viewer.id, remind_at: remindAt, note: note.trim(), email: email ? 1 : 0, created_at: at, fired_at: null })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return present(row);
}

/** The agent's own reminders on a ticket still to come. */
export async function listReminders(ctx: AppContext, viewer: Viewer, ticketId: number): Promise<ReminderView[]> {
  await visibleTicket(ctx, viewer, ticketId);
  const rows = await ctx.db
    .selectFrom('ticket_reminders')
    .select(COLUMNS)
    .where('ticket_id', '=', ticketId)
    .where('agent_id', '=', viewer.id)
    .where('fired_at', 'is', null)
    .orderBy('remind_at')
    .execute();
  return rows.map(present);
}

export async function deleteReminder(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  const res = await ctx.db.deleteFrom('ticket_reminders').where('id', '=', id).where('agent_id', '=', viewer.id).executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw new NotFound('reminder');
}

/** Delivers due reminders, each claimed by a conditional UPDATE so it fires once however sweeps overlap. */
export async function fireReminders(ctx: AppContext, at: number): Promise<number> {
  const due = await ctx.db.selectFrom('ticket_reminders').select('id').where('fired_at', 'is', null).where('remind_at', '<=', at).orderBy('remind_at').limit(500).execute();
  let fired = 0;
  for (const { id } of due) {
    const done = await ctx.database.transaction(async (tx, onCommit) => {
      const claimed = await tx.updateTable('ticket_reminders').set({ fired_at: at }).where('id', '=', id).where('fired_at', 'is', null).executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const r = await tx.selectFrom('ticket_reminders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const ticket = await findTicket(tx, r.ticket_id);
      if (!ticket) return true;
      const n = { kind: 'reminder' as const, ticket, target: '', dueAt: r.remind_at, note: r.note };
      const events: KefuEvent[] = await notifyAgents(ctx, tx, [r.agent_id], n, at, { email: r.email === 1 });
      onCommit(() => {
        events.forEach((e) => ctx.bus.emit(e));
        if (r.email === 1) ctx.outbox.nudge();
      });
      return true;
    });
    if (done) fired++;
  }
  return fired;
}
