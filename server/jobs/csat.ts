import type { AppContext } from '../context.js';
import { sendDueSurveys } from '../modules/csat/send.js';
import type { Job } from './scheduler.js';

export const CSAT_JOB = 'csat-surveys';

/** Every minute: surveys whose delay after resolving passed are mailed, each once. */
export function csatJob(ctx: AppContext): Job {
  return {
    name: CSAT_JOB,
    schedule: '* * * * *',
    run: async () => {
      const done = await sendDueSurveys(ctx);
      if (done.sent + done.skipped > 0) ctx.logger.info({ subsystem: 'csat', ...done }, 'surveys processed');
    },
  };
}
