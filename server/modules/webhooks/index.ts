import type { AppContext } from '../../context.js';
import type { WebhookEvents } from './fanout.js';
import { DELIVERY_KIND } from './queries.js';
import { WEBHOOK_RETRY, webhookDeliverySender } from './sender.js';

/** Subscribes webhooks to the bus and registers their sender; returns the stop. */
export function startWebhooks(ctx: AppContext, fanout: WebhookEvents): () => void {
  const unregister = ctx.outbox.registerSender(DELIVERY_KIND, webhookDeliverySender(ctx), WEBHOOK_RETRY);
  const off = fanout.start();
  return () => {
    off();
    unregister();
  };
}
