import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { Job } from '../../jobs/scheduler.js';
import type { KefuEvent } from '../../realtime/events.js';
import { notifyAgents } from '../sla/notifications.js';
import { applyTicketPatch } from './patch.js';

const BATCH = 200;

/** Snoozed tickets whose time has come go back to open, each with an audit line, an event and a notification to its assignee. */
export async function wakeSnoozedTickets(ctx: AppContext, at: number = now()): Promise<number> {
  let woken = 0;
  for (;;) {
    const count = await ctx.database.transaction(async (tx, onCommit) => {
      const due = await tx
        .selectFrom('tickets')
        .selectAll()
        .where('status', '=', 'snoozed')
        .where('snoozed_until', '<=', at)
        .orderBy('snoozed_until')
        .limit(BATCH)
        .execute();
      const events: KefuEvent[] = [];
      for (const ticket of due) {
        const result = await applyTicketPatch(tx, ticket, { status: 'open' }, { kind: 'system' }, at);
        events.push(...result.events);
        // The assignee snoozed it to come back to it: the tray says it is back.
        if (ticket.assignee_id !== null) {
          events.push(...(await notifyAgents(ctx, tx, [ticket.assignee_id], { kind: 'snooze.woke', ticket, target: '', dueAt: ticket.snoozed_until }, at)));
        }
      }
      onCommit(() => events.forEach((e) => ctx.bus.emit(e)));
      return due.length;
    });
    woken += count;
    if (count < BATCH) return woken;
  }
}

/** Every minute: snooze times are minutes apart at best in the UI. */
export function snoozeWakeJob(ctx: AppContext): Job {
  return {
    name: 'snooze-wake',
    schedule: '* * * * *',
    run: async () => {
      const woken = await wakeSnoozedTickets(ctx);
      if (woken > 0) ctx.logger.info({ woken }, 'snoozed tickets woke up');
    },
  };
}
