import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { backoffMs } from '../../../server/outbox/outbox.js';
import { DELIVERY_KIND } from '../../../server/modules/webhooks/queries.js';
import { WEBHOOK_RETRY } from '../../../server/modules/webhooks/sender.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { startReceiver, type Receiver } from './receiver.js';

let t: TestApp;
let rx: Receiver;
let seq = 0;

beforeAll(async () => {
  rx = await startReceiver();
  // The receiver listens on loopback; the SSRF guard's refusal of it is tested with the option off below.
  // The mailbox has SMTP so the auto-disable mail has a channel; nothing sends it in this test.
  t = await createTestApp({
    webhooks: { allow_private_networks: true },
    channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } }] },
  });
});
afterAll(async () => {
  await t?.close();
  await rx?.close();
});
afterEach(async () => {
  vi.useRealTimers();
  await t.ctx.db.deleteFrom('webhooks').execute();
  await t.ctx.db.deleteFrom('outbox').execute();
  rx.answers = [];
});

interface Hook {
  id: number;
  secret: string;
  enabled: boolean;
  disabledReason: string | null;
}
interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  error: string | null;
  attemptLog: Array<{ attempt: number; ok: boolean; responseCode: number | null; error: string | null }>;
  payload: { id: string; event: string; version: number; data: Record<string, unknown> };
}

async function hook(events: string[], url = rx.url): Promise<Hook> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.admin.headers, payload: { url, events } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ webhook: Hook }>().webhook;
}

/** A customer writes in: ticket.created, contact.created and message.created on the bus, fanned out. */
async function customerWrites(): Promise<number> {
  seq++;
  const { ticketId } = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `w${seq}@example.org` }, name: `Writer ${seq}` },
    subject: `Question ${seq}`,
    text: 'Where is my parcel?',
    idempotencyKey: `webhook-${seq}`,
  });
  await t.ctx.automation.idle();
  await t.ctx.webhooks.idle();
  return ticketId;
}

const deliveries = async (id: number): Promise<Delivery[]> =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: t.admin.headers })).json<{ items: Delivery[] }>().items;
const outboxRows = () => t.ctx.db.selectFrom('outbox').selectAll().where('kind', '=', DELIVERY_KIND).execute();
const webhookRow = (id: number) => t.ctx.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('webhook deliveries', () => {
  it('POSTs each subscribed event once, signed so the receiver can verify it, and logs the delivery', async () => {
    const h = await hook(['message.created', 'contact.created']);
    const ticketId = await customerWrites();
    expect(await t.ctx.outbox.runOnce()).toBe(2);
    expect(rx.calls).toHaveLength(2);
    const byEvent = new Map(rx.calls.map((c) => [c.headers['x-kefu-event'], c]));
    expect([...byEvent.keys()].sort()).toEqual(['contact.created', 'message.created']);
    for (const call of rx.calls) {
      const ts = String(call.headers['x-kefu-timestamp']);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      const expected = `sha256=${createHmac('sha256', h.secret).update(`${ts}.${call.raw}`).digest('hex')}`;
      expect(call.headers['x-kefu-signature']).toBe(expected);
      const body = JSON.parse(call.raw) as { id: string; event: string; version: number };
      expect(body).toMatchObject({ id: call.headers['x-kefu-delivery'], event: call.headers['x-kefu-event'], version: 1 });
      expect(call.headers['content-type']).toBe('application/json');
    }
    const msg = JSON.parse(byEvent.get('message.created')?.raw ?? '{}') as { data: { message: { kind: string; text: string }; ticket: { id: number } } };
    expect(msg.data).toMatchObject({ message: { kind: 'inbound', text: 'Where is my parcel?' }, ticket: { id: ticketId } });
    const log = await deliveries(h.id);
    expect(log.map((d) => [d.event, d.status, d.responseCode, d.attempts])).toEqual(
      expect.arrayContaining([
        ['message.created', 'delivered', 200, 1],
        ['contact.created', 'delivered', 200, 1],
      ]),
    );
    expect(log[0]?.attemptLog).toMatchObject([{ attempt: 1, ok: true, responseCode: 200, error: null }]);
  });

  it('sends nothing for events nobody subscribed to, nor to a disabled webhook', async () => {
    const h = await hook(['sla.breached']);
    const off = await hook(['message.created']);
    await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${off.id}`, headers: t.admin.headers, payload: { enabled: false } });
    await customerWrites();
    expect(await outboxRows()).toHaveLength(0);
    expect(await deliveries(h.id)).toEqual([]);
  });

  it('retries a 500 with exponential backoff until it is answered 2xx', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start);
    const h = await hook(['ticket.created']);
    rx.answers = [500, 503, 200];
    await customerWrites();
    const before = rx.calls.length;

    expect(await t.ctx.outbox.runOnce()).toBe(1);
    const [first] = await outboxRows();
    expect(first?.status).toBe('pending');
    const delay1 = (first?.next_attempt_at ?? 0) - start;
    expect(delay1).toBeGreaterThanOrEqual(0.8 * WEBHOOK_RETRY.baseDelayMs);
    expect(delay1).toBeLessThanOrEqual(1.2 * WEBHOOK_RETRY.baseDelayMs);
    // Not due yet: nothing is sent.
    expect(await t.ctx.outbox.runOnce()).toBe(0);

    vi.setSystemTime(first?.next_attempt_at ?? 0);
    expect(await t.ctx.outbox.runOnce()).toBe(1);
    const [second] = await outboxRows();
    const delay2 = (second?.next_attempt_at ?? 0) - (first?.next_attempt_at ?? 0);
    expect(delay2).toBeGreaterThanOrEqual(0.8 * 2 * WEBHOOK_RETRY.baseDelayMs);

    vi.setSystemTime(second?.next_attempt_at ?? 0);
    expect(await t.ctx.outbox.runOnce()).toBe(1);
    expect(rx.calls.length - before).toBe(3);
    const [d] = await deliveries(h.id);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, responseCode: 200 });
    expect(d?.attemptLog.map((a) => [a.attempt, a.responseCode, a.ok])).toEqual([
      [1, 500, false],
      [2, 503, false],
      [3, 200, true],
    ]);
    // The same body and id every time; only the timestamp and signature change.
    const sent = rx.calls.slice(before);
    expect(new Set(sent.map((c) => c.raw)).size).toBe(1);
    expect((await webhookRow(h.id)).failing_since).toBeNull();
  });

  it('keeps retrying for at least 24 hours', () => {
    let total = 0;
    for (let attempt = 1; attempt < WEBHOOK_RETRY.maxAttempts; attempt++) {
      total += backoffMs(attempt, WEBHOOK_RETRY.baseDelayMs, WEBHOOK_RETRY.maxDelayMs, () => 0);
    }
    expect(total).toBeGreaterThanOrEqual(24 * 60 * 60_000);
  });

  it('redelivers a delivered event with the same id and body', async () => {
    const h = await hook(['ticket.created']);
    await customerWrites();
    await t.ctx.outbox.runOnce();
    const [d] = await deliveries(h.id);
    const before = rx.calls.length;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${h.id}/deliveries/${d?.id}/redeliver`, headers: t.admin.headers });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json<{ delivery: Delivery }>().delivery.status).toBe('pending');
    expect(await t.ctx.outbox.runOnce()).toBe(1);
    expect(rx.calls).toHaveLength(before + 1);
    expect(rx.calls[before]?.headers['x-kefu-delivery']).toBe(d?.id);
    const [again] = await deliveries(h.id);
    expect(again).toMatchObject({ id: d?.id, status: 'delivered', attempts: 2 });
    // A delivery still being tried is not sent twice.
    rx.answers = [500];
    await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${h.id}/deliveries/${d?.id}/redeliver`, headers: t.admin.headers });
    await t.ctx.outbox.runOnce();
    const busy = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${h.id}/deliveries/${d?.id}/redeliver`, headers: t.admin.headers });
    expect(busy.statusCode).toBe(409);
  });

  it('sends a ping on "test", even to a disabled webhook', async () => {
    const h = await hook(['ticket.created']);
    await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${h.id}`, headers: t.admin.headers, payload: { enabled: false } });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${h.id}/test`, headers: t.admin.headers });
    expect(res.statusCode, res.body).toBe(202);
    expect(await t.ctx.outbox.runOnce()).toBe(1);
    const last = rx.calls[rx.calls.length - 1];
    expect(last?.headers['x-kefu-event']).toBe('ping');
    expect(JSON.parse(last?.raw ?? '{}')).toMatchObject({ event: 'ping', version: 1, data: { webhook: { id: h.id } } });
    expect((await deliveries(h.id))[0]).toMatchObject({ event: 'ping', status: 'delivered' });
  });

  it('turns a webhook off after 3 days of failing, mails the admins, and stops its other deliveries', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    vi.setSystemTime(start);
    const h = await hook(['ticket.created']);
    rx.answers = Array.from({ length: 10 }, () => 500);
    await customerWrites();
    await t.ctx.outbox.runOnce();
    expect((await webhookRow(h.id)).failing_since).toBe(start);

    // Two days on, still failing: still on.
    vi.setSystemTime(start + 2 * 86_400_000);
    await customerWrites();
    await t.ctx.outbox.runOnce();
    expect((await webhookRow(h.id)).enabled).toBe(1);

    const callsBefore = rx.calls.length;
    vi.setSystemTime(start + 3 * 86_400_000 + 60_000);
    await customerWrites();
    await t.ctx.outbox.runOnce();
    const row = await webhookRow(h.id);
    expect(row.enabled).toBe(0);
    expect(row.disabled_reason).toMatch(/failed for 3 days.*answered 500/);
    const mails = await t.ctx.db.selectFrom('outbox').select(['payload', 'channel_name']).where('kind', '=', 'email').execute();
    const toAdmin = mails.map((m) => JSON.parse(m.payload) as { to: string; subject: string; text: string }).find((m) => m.to === t.admin.email);
    expect(toAdmin?.subject).toMatch(/turned off a webhook/);
    expect(toAdmin?.text).toContain(rx.url);

    // What is still queued for it fails without another request.
    const sentSoFar = rx.calls.length;
    expect(sentSoFar).toBeGreaterThan(callsBefore);
    await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').where('kind', '=', DELIVERY_KIND).execute();
    await t.ctx.outbox.runOnce();
    expect(rx.calls.length).toBe(sentSoFar);
    const log = await deliveries(h.id);
    expect(log.every((d) => d.status === 'failed')).toBe(true);
  });
});

describe('webhook deliveries behind the SSRF guard', () => {
  let guarded: TestApp;
  beforeAll(async () => {
    guarded = await createTestApp();
  });
  afterAll(async () => guarded?.close());

  it('refuses to deliver to 127.0.0.1 when private networks are not allowed, and logs why', async () => {
    const res = await guarded.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: guarded.admin.headers, payload: { url: rx.url, events: ['ticket.created'] } });
    const { id } = res.json<{ webhook: { id: number } }>().webhook;
    const before = rx.calls.length;
    await intake(guarded.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'ssrf@example.org' } },
      text: 'hello',
      idempotencyKey: 'ssrf-1',
    });
    await guarded.ctx.webhooks.idle();
    expect(await guarded.ctx.outbox.runOnce()).toBe(1);
    expect(rx.calls.length).toBe(before);
    const log = (await guarded.app.inject({ method: 'GET', url: `/api/v1/webhooks/${id}/deliveries`, headers: guarded.admin.headers })).json<{ items: Delivery[] }>().items;
    expect(log[0]).toMatchObject({ status: 'failed', responseCode: null });
    expect(log[0]?.error).toMatch(/refused to connect to 127\.0\.0\.1/);
  });
});
