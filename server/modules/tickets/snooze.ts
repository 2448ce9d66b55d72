import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { Job } from '../../jobs/scheduler.js';
import type { KefuEvent } from '../../realtime/events.js';
import { applyTicketPatch } from './patch.js';

const BATCH = 200;

/** Snoozed tickets whose time has come go back to open, each with an audit line and an event. */
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
