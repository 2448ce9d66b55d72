import { performance } from 'node:perf_hooks';
import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { PermanentDeliveryError, type RetryPolicy, type Sender } from '../../outbox/senders.js';
import { guardedPost } from '../../outbox/ssrf-guard.js';
import { recordFailure, recordSuccess, type AttemptOutcome } from './streak.js';
import { PING_EVENT } from './schemas.js';
import { signedHeaders } from './signature.js';

const TIMEOUT_MS = 10_000;

/**
 * A minute, doubling to two hours, 22 attempts: a little over a day of retries even when every
 * jittered delay comes out 20% short (see the retry-window test).
 */
export const WEBHOOK_RETRY: Required<RetryPolicy> = { baseDelayMs: 60_000, maxDelayMs: 2 * 60 * 60_000, maxAttempts: 22 };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

async function loadDelivery(ctx: AppContext, deliveryId: number) {
  return ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'd.uuid', 'd.event', 'd.body', 'd.attempts', 'w.id as webhookId', 'w.url', 'w.secret', 'w.enabled'])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
}

/**
 * Delivers one webhook_deliveries row: POSTs its body, signed, through the SSRF guard, and logs the
 * attempt. 2xx is delivered; anything else is thrown for the outbox to retry by WEBHOOK_RETRY.
 */
export function webhookDeliverySender(ctx: AppContext): Sender {
  const guard = { allowPrivateNetworks: ctx.config.webhooks.allow_private_networks };
  return async (job) => {
    const d = await loadDelivery(ctx, Number(job.payload.deliveryId));
    // The webhook (and with it the delivery) was deleted while this waited.
    if (!d) return;
    if (d.enabled !== 1 && d.event !== PING_EVENT) {
      await ctx.db.updateTable('webhook_deliveries').set({ status: 'failed', error: 'webhook is disabled', updated_at: now() }).where('id', '=', d.id).execute();
      throw new PermanentDeliveryError('webhook is disabled');
    }
    const started = performance.now();
    let code: number | null = null;
    let thrown: unknown = null;
    try {
      code = (await guardedPost({ url: d.url, headers: signedHeaders(d.secret, d.body, d.event, d.uuid, now()), body: d.body, timeoutMs: TIMEOUT_MS }, guard)).status;
    } catch (err) {
      thrown = err;
    }
    const outcome: AttemptOutcome = {
      deliveryId: d.id,
      webhookId: d.webhookId,
      attempt: d.attempts + 1,
      code,
      durationMs: Math.round(performance.now() - started),
      error: thrown ? errorText(thrown) : code !== null && (code < 200 || code >= 300) ? `answered ${code}` : null,
      at: now(),
    };
    if (outcome.error === null) {
      await recordSuccess(ctx, outcome);
      return { status: 'delivered' };
    }
    const final = thrown instanceof PermanentDeliveryError || job.attempt >= WEBHOOK_RETRY.maxAttempts;
    const { disabled } = await recordFailure(ctx, outcome, final);
    if (disabled) throw new PermanentDeliveryError(`${outcome.error}; the webhook was turned off`);
    throw thrown ?? new Error(outcome.error);
  };
}
