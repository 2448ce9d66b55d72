import type { AppContext } from '../../context.js';
import { setDeliveryStatus } from '../../outbox/delivery.js';
import type { DeliveryStatus } from '../../modules/tickets/tables.js';
import { messageIdByProviderRef } from './refs.js';

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Applies a provider's status callback to our message. Providers send callbacks out of order and
 * more than once, so a status only moves forward: 'delivered' after 'read' changes nothing.
 * Returns false when the provider id is not one of ours.
 */
export async function applyProviderStatus(
  ctx: AppContext,
  channel: { kind: string; name: string },
  providerId: string,
  status: DeliveryStatus,
  error: string | null,
): Promise<boolean> {
  const messageId = await messageIdByProviderRef(ctx.db, channel, providerId);
  if (messageId === undefined) return false;
  const current = await ctx.db.selectFrom('messages').select('delivery_status').where('id', '=', messageId).executeTakeFirst();
  const was = current?.delivery_status ?? null;
  if (was !== null && was !== 'queued' && RANK[status] <= RANK[was]) return true;
  await setDeliveryStatus(ctx, messageId, status, status === 'failed' ? error : null);
  return true;
}
