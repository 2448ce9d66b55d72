import type { AppContext } from '../context.js';
import { staleUploadsJob } from '../modules/attachments/service.js';
import { snoozeWakeJob } from '../modules/tickets/snooze.js';
import { backupJob } from './backup.js';
import { timeRulesJob } from './time-rules.js';
import { SLA_JOB, slaJob } from './sla.js';
import { csatJob } from './csat.js';
import { DIGEST_JOB, digestJob } from './digest.js';
import { retentionJob } from './retention.js';

/** Every cron job a serving process runs: one line each. */
export function scheduleJobs(ctx: AppContext): void {
  if (ctx.config.backup.enabled) ctx.scheduler.add(backupJob(ctx));
  ctx.scheduler.add(snoozeWakeJob(ctx));
  ctx.scheduler.add(staleUploadsJob(ctx));
  ctx.scheduler.add(timeRulesJob(ctx));
  ctx.scheduler.add(slaJob(ctx));
  ctx.scheduler.add(csatJob(ctx));
  ctx.scheduler.add(digestJob(ctx));
  ctx.scheduler.add(retentionJob(ctx));
  ctx.scheduler.start();
  // A policy change's re-computation cut short by the last stop finishes now.
  ctx.slaRecompute.kick();
  // Breaches that fell due while Kefu was stopped fire now rather than at the first tick.
  void ctx.scheduler.runNow(SLA_JOB);
  // A digest whose time passed while Kefu was stopped goes out now, once.
  void ctx.scheduler.runNow(DIGEST_JOB);
}
