import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { Conflict, NotFound } from '../../http/errors.js';
import { enqueue } from '../../outbox/queue.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { eventsOf, presentDelivery, presentWebhook, type WebhookRow } from './presenter.js';
import { attemptsOf, deliveryPage, DELIVERY_KIND, findDelivery, findWebhook, listWebhookRows, queueDelivery } from './queries.js';
import { PING_EVENT, type DeliveryView, type WebhookInput, type WebhookPatch, type WebhookPayload, type WebhookView } from './schemas.js';
import { newWebhookSecret } from './signature.js';

async function need(db: DbOrTx, id: number): Promise<WebhookRow> {
  const row = await findWebhook(db, id);
  if (!row) throw new NotFound('webhook');
  return row;
}

/** What the audit log keeps of a webhook: never the secret. */
const audited = (row: WebhookRow) => ({ url: row.url, events: eventsOf(row), enabled: row.enabled === 1 });

export async function listWebhooks(ctx: AppContext): Promise<WebhookView[]> {
  return (await listWebhookRows(ctx.db)).map((r) => presentWebhook(r));
}

export async function getWebhook(ctx: AppContext, id: number): Promise<WebhookView> {
  return presentWebhook(await need(ctx.db, id));
}

export async function createWebhook(ctx: AppContext, viewer: Viewer, input: WebhookInput): Promise<WebhookView> {
  const row = await ctx.database.transaction(async (tx) => {
    const at = now();
    const created = await tx
      .insertInto('webhooks')
      .values({
        url: input.url.trim(),
        description: input.description?.trim() ?? '',
        events: JSON.stringify(input.events),
        secret: newWebhookSecret(),
        enabled: input.enabled === false ? 0 : 1,
        disabled_reason: null,
        failing_since: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'webhook.created', entityKind: 'webhook', entityId: created.id, after: audited(created) });
    return created;
  });
  await ctx.webhooks.changed();
  return presentWebhook(row, { withSecret: true });
}

export async function updateWebhook(ctx: AppContext, viewer: Viewer, id: number, patch: WebhookPatch): Promise<WebhookView> {
  const row = await ctx.database.transaction(async (tx) => {
    const before = await need(tx, id);
    const turnedOn = patch.enabled === true && before.enabled === 0;
    const updated = await tx
      .updateTable('webhooks')
      .set({
        ...(patch.url !== undefined ? { url: patch.url.trim() } : {}),
        ...(patch.description !== undefined ? { description: patch.description.trim() } : {}),
        ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0, disabled_reason: null } : {}),
        // Turned back on: the failure streak that disabled it starts over.
        ...(turnedOn ? { failing_since: null } : {}),
        updated_at: now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'webhook.updated', entityKind: 'webhook', entityId: id, before: audited(before), after: audited(updated) });
    return updated;
  });
  await ctx.webhooks.changed();
  return presentWebhook(row);
}

export async function deleteWebhook(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await need(tx, id);
    // Its queued outbox rows find no delivery and end quietly (see sender.ts).
    await tx.deleteFrom('webhooks').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'webhook.deleted', entityKind: 'webhook', entityId: id, before: audited(before) });
  });
  await ctx.webhooks.changed();
}

/** Shows the secret again; audited, as reading it is as good as holding it. */
export async function revealSecret(ctx: AppContext, viewer: Viewer, id: number): Promise<WebhookView> {
  const row = await need(ctx.db, id);
  await recordAudit(ctx.db, { actor: agentActor(viewer), action: 'webhook.secret_revealed', entityKind: 'webhook', entityId: id });
  return presentWebhook(row, { withSecret: true });
}

/** A new secret signs every attempt from now on, retries of older deliveries included. */
export async function rotateSecret(ctx: AppContext, viewer: Viewer, id: number): Promise<WebhookView> {
  const row = await ctx.database.transaction(async (tx) => {
    await need(tx, id);
    const updated = await tx.updateTable('webhooks').set({ secret: newWebhookSecret(), updated_at: now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'webhook.secret_rotated', entityKind: 'webhook', entityId: id });
    return updated;
  });
  return presentWebhook(row, { withSecret: true });
}

export type DeliveryWithPayload = DeliveryView & { payload: WebhookPayload };

export async function listDeliveries(ctx: AppContext, id: number, opts: { limit: number; before: number | null }): Promise<{ items: DeliveryWithPayload[]; nextCursor: string | null }> {
  await need(ctx.db, id);
  const rows = await deliveryPage(ctx.db, id, opts.limit + 1, opts.before);
  const page = rows.slice(0, opts.limit);
  const attempts = await attemptsOf(ctx.db, page.map((r) => r.id));
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentDelivery(r, attempts.get(r.id) ?? [])),
    nextCursor: rows.length > opts.limit && last ? String(last.id) : null,
  };
}

async function presentOne(ctx: AppContext, webhookId: number, uuid: string): Promise<DeliveryWithPayload> {
  const row = await findDelivery(ctx.db, webhookId, uuid);
  if (!row) throw new NotFound('delivery');
  return presentDelivery(row, (await attemptsOf(ctx.db, [row.id])).get(row.id) ?? []);
}

/** Sends a finished delivery again, same body and id, so a receiver that stored it can tell. */
export async function redeliver(ctx: AppContext, viewer: Viewer, webhookId: number, uuid: string): Promise<DeliveryWithPayload> {
  await ctx.database.transaction(async (tx, onCommit) => {
    await need(tx, webhookId);
    const row = await findDelivery(tx, webhookId, uuid);
    if (!row) throw new NotFound('delivery');
    if (row.status === 'pending' || row.status === 'retrying') throw new Conflict('This delivery is still being tried.', 'delivery_in_progress');
    await tx.updateTable('webhook_deliveries').set({ status: 'pending', updated_at: now() }).where('id', '=', row.id).execute();
    await enqueue(tx, { kind: DELIVERY_KIND, payload: { deliveryId: row.id } });
    await recordAudit(tx, { actor: agentActor(viewer), action: 'webhook.redelivered', entityKind: 'webhook', entityId: webhookId, after: { delivery: uuid } });
    onCommit(() => ctx.outbox.nudge());
  });
  return presentOne(ctx, webhookId, uuid);
}

/** Queues a `ping` (sent even to a disabled webhook, so an admin can check it before turning it back on). */
export async function sendTest(ctx: AppContext, webhookId: number): Promise<DeliveryWithPayload> {
  const uuid = await ctx.database.transaction(async (tx, onCommit) => {
    const hook = await need(tx, webhookId);
    const data = { webhook: { id: hook.id, url: hook.url, events: eventsOf(hook) } };
    const row = await queueDelivery(tx, hook.id, PING_EVENT, data, now());
    onCommit(() => ctx.outbox.nudge());
    return row.uuid;
  });
  return presentOne(ctx, webhookId, uuid);
}
