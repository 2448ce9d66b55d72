import type { AppContext } from '../../context.js';
import { batchDelete, deleteInBatches, type TrimOptions } from '../../outbox/retention.js';
import { loadWebhookSettings } from './settings.js';

const DAY_MS = 86_400_000;

/**
 * Deletes delivered and failed deliveries (and, by cascade, their attempts) last touched before the
 * admin's retention, oldest first, a batch at a time. Pending and retrying ones are still being
 * tried and stay whatever their age. The status is spelled out, not bound, so SQLite can use the
 * partial index of finished deliveries (migration 0035).
 */
export async function trimWebhookDeliveries(ctx: AppContext, opts: TrimOptions = {}): Promise<number> {
  const { deliveryRetentionDays } = await loadWebhookSettings(ctx.db);
  const before = (opts.now ?? Date.now()) - deliveryRetentionDays * DAY_MS;
  const remove = batchDelete(
    ctx.database,
    `delete from webhook_deliveries where id in (
       select id from webhook_deliveries where status in ('delivered', 'failed') and updated_at < ? order by updated_at limit ?)`,
  );
  return deleteInBatches((n) => remove(before, n), opts.batchSize);
}
