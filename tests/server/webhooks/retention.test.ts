import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retentionJob } from '../../../server/jobs/retention.js';
import { trimWebhookDeliveries } from '../../../server/modules/webhooks/retention.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';

const DAY = 86_400_000;
let t: TestApp;
let webhookId: number;

beforeAll(async () => {
  t = await createTestApp({ webhooks: { allow_private_networks: true } });
  const res = await as(t, t.admin).post<{ webhook: { id: number } }>('/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['ticket.created'] });
  expect(res.status).toBe(201);
  webhookId = res.body.webhook.id;
});
afterAll(async () => t?.close());
beforeEach(async () => {
  await t.ctx.db.deleteFrom('webhook_deliveries').execute();
  await as(t, t.admin).patch('/webhooks/settings', { deliveryRetentionDays: 30 });
});

let seq = 0;
/** A delivery last touched `ageDays` ago, with one attempt on the log. */
async function delivery(status: 'pending' | 'retrying' | 'delivered' | 'failed', ageDays: number): Promise<number> {
  const at = Date.now() - ageDays * DAY;
  const { id } = await t.ctx.db
    .insertInto('webhook_deliveries')
    .values({ uuid: `d-${++seq}`, webhook_id: webhookId, event: 'ticket.created', body: '{}', status, attempts: 1, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ok = status === 'delivered';
  await t.ctx.db
    .insertInto('webhook_attempts')
    .values({ delivery_id: id, attempt: 1, ok: ok ? 1 : 0, response_code: ok ? 200 : 500, duration_ms: 5, error: null, at })
    .execute();
  return id;
}
const left = async (): Promise<number[]> => (await t.ctx.db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute()).map((r) => r.id);
const attemptsLeft = async (): Promise<number[]> =>
  (await t.ctx.db.selectFrom('webhook_attempts').select('delivery_id').distinct().orderBy('delivery_id').execute()).map((r) => r.delivery_id);

describe('webhook delivery log retention', () => {
  it('is 30 days unless an admin sets another, and refuses a retention it cannot use naming the field', async () => {
    const admin = as(t, t.admin);
    expect((await admin.get('/webhooks/settings')).body).toEqual({ deliveryRetentionDays: 30 });
    const set = await admin.patch('/webhooks/settings', { deliveryRetentionDays: 7 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ deliveryRetentionDays: 7 });
    expect((await admin.get('/webhooks/settings')).body).toEqual({ deliveryRetentionDays: 7 });
    for (const bad of [0, 3651, 1.5]) {
      const res = await admin.patch<{ error: { message: string } }>('/webhooks/settings', { deliveryRetentionDays: bad });
      expect(res.status, String(bad)).toBe(400);
      expect(res.body.error.message).toContain('deliveryRetentionDays');
    }
    const agent = await t.signIn('agent', 'plain@example.test');
    expect((await as(t, agent).get('/webhooks/settings')).status).toBe(403);
  });

  it('trims finished deliveries older than the retention with their attempts, keeping recent ones and those still being tried', async () => {
    const oldDelivered = await delivery('delivered', 31);
    const oldFailed = await delivery('failed', 40);
    const recentDelivered = await delivery('delivered', 29);
    const recentFailed = await delivery('failed', 10);
    const oldRetrying = await delivery('retrying', 45);
    const oldPending = await delivery('pending', 60);
    await retentionJob(t.ctx).run();
    expect(await left()).toEqual([recentDelivered, recentFailed, oldRetrying, oldPending]);
    expect(await attemptsLeft()).toEqual([recentDelivered, recentFailed, oldRetrying, oldPending]);
    expect(await left()).not.toContain(oldDelivered);
    expect(await left()).not.toContain(oldFailed);

    await as(t, t.admin).patch('/webhooks/settings', { deliveryRetentionDays: 7 });
    await retentionJob(t.ctx).run();
    expect(await left()).toEqual([oldRetrying, oldPending]);
  });

  it('works through a long backlog in small batches', async () => {
    const kept = await delivery('delivered', 1);
    for (let i = 0; i < 7; i++) await delivery(i % 2 ? 'failed' : 'delivered', 100 + i);
    expect(await trimWebhookDeliveries(t.ctx, { batchSize: 2 })).toBe(7);
    expect(await left()).toEqual([kept]);
  });
});
