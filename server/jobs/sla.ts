import type { AppContext } from '../context.js';
import { sweepSla } from '../modules/sla/escalation.js';
import type { Job } from './scheduler.js';

export const SLA_JOB = 'sla-escalation';

/** Every minute: SLA warnings and breaches fire within a minute of falling due, each exactly once. */
export function slaJob(ctx: AppContext): Job {
  return {
    name: SLA_JOB,
    schedule: '* * * * *',
    run: async () => {
      const fired = await sweepSla(ctx);
      if (fired.warnings + fired.breaches > 0) ctx.logger.info({ subsystem: 'sla', ...fired }, 'SLA escalations fired');
    },
  };
}
