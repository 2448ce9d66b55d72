import type { AppContext } from '../context.js';
import type { Job } from './scheduler.js';

/** Time-based rules ("pending for 72 hours"), every minute; each (rule, ticket, anchor) fires once. */
export function timeRulesJob(ctx: AppContext): Job {
  return { name: 'time-rules', schedule: '* * * * *', run: () => ctx.automation.runTimeRules() };
}
