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
function delivery(status: 'pending' | 'retrying' | 'delivered' | 'failed', ageDays: number): number {
  const at = Date.now() - ageDays * DAY;
  const s = t.ctx.database.sqlite;
  const id = Number(
    s
      .prepare(`insert into webhook_deliveries (uuid, webhook_id, event, body, status, attempts, created_at, updated_at) values (?, ?, 'ticket.created', '{}', ?, 1, ?, ?)`)
      .run(`d-${++seq}`, webhookId, status, at, at).lastInsertRowid,
  );
  s.prepare(`insert into webhook_attempts (delivery_id, attempt, ok, response_code, duration_ms, error, at) values (?, 1, ?, ?, 5, null, ?)`).run(id, status === 'delivered' ? 1 : 0, status === 'delivered' ? 200 : 500, at);
  return id;
}
const left = (): number[] => t.ctx.database.sqlite.prepare('select id from webhook_deliveries order by id').pluck().all() as number[];
const attemptsLeft = (): number[] => t.ctx.database.sqlite.prepare('select distinct delivery_id from webhook_attempts order by 1').pluck().all() as number[];

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
    const oldDelivered = delivery('delivered', 31);
    const oldFailed = delivery('failed', 40);
    const recentDelivered = delivery('delivered', 29);
    const recentFailed = delivery('failed', 10);
    const oldRetrying = delivery('retrying', 45);
    const oldPending = delivery('pending', 60);
    await retentionJob(t.ctx).run();
    expect(left()).toEqual([recentDelivered, recentFailed, oldRetrying, oldPending]);
    expect(attemptsLeft()).toEqual([recentDelivered, recentFailed, oldRetrying, oldPending]);
    expect(left()).not.toContain(oldDelivered);
    expect(left()).not.toContain(oldFailed);

    await as(t, t.admin).patch('/webhooks/settings', { deliveryRetentionDays: 7 });
    await retentionJob(t.ctx).run();
    expect(left()).toEqual([oldRetrying, oldPending]);
  });

  it('works through a long backlog in small batches', async () => {
    const kept = delivery('delivered', 1);
    for (let i = 0; i < 7; i++) delivery(i % 2 ? 'failed' : 'delivered', 100 + i);
    expect(await trimWebhookDeliveries(t.ctx, { batchSize: 2 })).toBe(7);
    expect(left()).toEqual([kept]);
  });
});
