import type { AppContext } from '../context.js';
import { staleUploadsJob } from '../modules/attachments/service.js';
import { snoozeWakeJob } from '../modules/tickets/snooze.js';
import { backupJob } from './backup.js';
import { timeRulesJob } from './time-rules.js';

/** Every cron job a serving process runs: one line each. */
export function scheduleJobs(ctx: AppContext): void {
  if (ctx.config.backup.enabled) ctx.scheduler.add(backupJob(ctx));
  ctx.scheduler.add(snoozeWakeJob(ctx));
  ctx.scheduler.add(staleUploadsJob(ctx));
  ctx.scheduler.add(timeRulesJob(ctx));
  ctx.scheduler.start();
}
