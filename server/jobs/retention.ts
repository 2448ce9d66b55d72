import type { AppContext } from '../context.js';
import { trimWebhookDeliveries } from '../modules/webhooks/retention.js';
import { trimSentOutbox } from '../outbox/retention.js';
import type { Job } from './scheduler.js';

export const RETENTION_JOB = 'retention';

/** Hourly: logs that would otherwise grow without bound are trimmed to what is still useful. */
export function retentionJob(ctx: AppContext): Job {
  return {
    name: RETENTION_JOB,
    schedule: '17 * * * *',
    run: async () => {
      const deliveries = await trimWebhookDeliveries(ctx);
      const outbox = await trimSentOutbox(ctx);
      if (deliveries + outbox > 0) ctx.logger.info({ deliveries, outbox }, 'old webhook deliveries and sent outbox rows trimmed');
    },
  };
}
