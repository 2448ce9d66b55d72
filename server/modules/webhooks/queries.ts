import { randomUUID } from 'node:crypto';
import { now, type DbOrTx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import type { AttemptRow, DeliveryRow, WebhookRow } from './presenter.js';
import { PAYLOAD_VERSION } from './schemas.js';

/** Outbox rows of this kind deliver one webhook_deliveries row (the rules' own webhook action is kind 'webhook'). */
export const DELIVERY_KIND = 'webhook.delivery';

export const findWebhook = (db: DbOrTx, id: number): Promise<WebhookRow | undefined> =>
  db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();

export const listWebhookRows = (db: DbOrTx): Promise<WebhookRow[]> => db.selectFrom('webhooks').selectAll().orderBy('id').execute();

export const findDelivery = (db: DbOrTx, webhookId: number, uuid: string): Promise<DeliveryRow | undefined> =>
  db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).where('uuid', '=', uuid).executeTakeFirst();

/** The version-1 body around data serialised once, however many subscribers get it. */
export const payloadBody = (uuid: string, event: string, eventAt: number, dataJson: string): string =>
  `{"id":${JSON.stringify(uuid)},"event":${JSON.stringify(event)},"version":${PAYLOAD_VERSION},"createdAt":"${new Date(eventAt).toISOString()}","data":${dataJson}}`;

/**
 * Writes one delivery with its outbox row. The body is fixed here, so every retry and redelivery
 * sends the same bytes with the same id; only the timestamp and signature are made per attempt.
 */
export async function queueDelivery(tx: DbOrTx, webhookId: number, event: string, data: unknown, eventAt: number): Promise<DeliveryRow> {
  const uuid = randomUUID();
  const body = payloadBody(uuid, event, eventAt, JSON.stringify(data));
  const at = now();
  const row = await tx
    .insertInto('webhook_deliveries')
    .values({ uuid, webhook_id: webhookId, event, body, status: 'pending', response_code: null, duration_ms: null, error: null, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  await enqueue(tx, { kind: DELIVERY_KIND, payload: { deliveryId: row.id } });
  return row;
}

/** Newest first; `beforeId` pages on. */
export const deliveryPage = (db: DbOrTx, webhookId: number, limit: number, beforeId: number | null): Promise<DeliveryRow[]> => {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId);
  if (beforeId !== null) q = q.where('id', '<', beforeId);
  return q.orderBy('id', 'desc').limit(limit).execute();
};

export const attemptsOf = async (db: DbOrTx, deliveryIds: number[]): Promise<Map<number, AttemptRow[]>> => {
  const byDelivery = new Map<number, AttemptRow[]>();
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('id').execute();
  for (const r of rows) byDelivery.set(r.delivery_id, [...(byDelivery.get(r.delivery_id) ?? []), r]);
  return byDelivery;
};
