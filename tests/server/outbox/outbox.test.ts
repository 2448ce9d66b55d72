import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backoffMs, Outbox } from '../../../server/outbox/outbox.js';
import { enqueue } from '../../../server/outbox/queue.js';
import { PermanentDeliveryError, type OutboxJob } from '../../../server/outbox/senders.js';
import { intake } from '../../../server/intake/intake.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An outbound message with its outbox row, written together as a reply would. */
async function queuedMessage(kind: string): Promise<{ messageId: number; outboxId: number }> {
  seq++;
  const { ticketId } = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `o${seq}@example.com` } },
    text: 'hi',
    idempotencyKey: `outbox-${seq}`,
  });
  return t.ctx.database.transaction(async (tx) => {
    const msg = await tx
      .insertInto('messages')
      .values({ ticket_id: ticketId, kind: 'outbound', author_kind: 'agent', author_id: null, author_name: 'A', text: 'reply', html: null, channel_kind: 'email', channel_name: 'support', idempotency_key: null, delivery_status: 'queued', delivery_error: null, delivery_updated_at: null, created_at: Date.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await enqueue(tx, { kind, channelName: 'support', messageId: msg.id, payload: { hello: 'world' } });
    return { messageId: msg.id, outboxId: row.id };
  });
}

const deliveryOf = (id: number) =>
  t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();
const rowOf = (id: number) => t.ctx.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

function outbox(opts = {}): Outbox {
  return new Outbox({ database: t.ctx.database, bus: t.ctx.bus, logger: t.ctx.logger }, { baseDelayMs: 1, maxDelayMs: 1, ...opts });
}

describe('outbox', () => {
  it('leaves rows queued while no sender exists for their kind', async () => {
    const { messageId, outboxId } = await queuedMessage('nosender');
    const box = outbox();
    expect(await box.runOnce()).toBe(0);
    expect((await rowOf(outboxId)).status).toBe('pending');
    expect((await deliveryOf(messageId)).delivery_status).toBe('queued');
  });

  it('hands a row to its sender, marks the message sent and emits message.updated', async () => {
    const { messageId, outboxId } = await queuedMessage('k-sent');
    const box = outbox();
    const jobs: OutboxJob[] = [];
    box.registerSender('k-sent', async (job) => {
      jobs.push(job);
    });
    const events: KefuEvent[] = [];
    const off = t.ctx.bus.on('message.updated', (e) => {
      events.push(e);
    });
    expect(await box.runOnce()).toBe(1);
    off();
    expect(jobs[0]).toMatchObject({ id: outboxId, messageId, channelName: 'support', payload: { hello: 'world' }, attempt: 1 });
    expect((await rowOf(outboxId)).status).toBe('sent');
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'sent', delivery_error: null });
    expect(events.map((e) => e.type === 'message.updated' && e.message.delivery)).toEqual([{ status: 'sent' }]);
  });

  it('retries with backoff after a failure and fails for good after maxAttempts', async () => {
    const { messageId, outboxId } = await queuedMessage('k-flaky');
    const box = outbox({ maxAttempts: 2 });
    box.registerSender('k-flaky', async () => {
      throw new Error('connection refused');
    });
    await box.runOnce();
    const afterFirst = await rowOf(outboxId);
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection refused' });
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'queued', delivery_error: 'connection refused' });
    await new Promise((r) => setTimeout(r, 5));
    await box.runOnce();
    expect(await rowOf(outboxId)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'failed', delivery_error: 'connection refused' });
  });

  it('retries a kind by its own policy when its sender brings one', async () => {
    const { outboxId } = await queuedMessage('k-patient');
    const box = outbox({ maxAttempts: 1 });
    box.registerSender('k-patient', async () => {
      throw new Error('503');
    }, { baseDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 3 });
    const before = Date.now();
    await box.runOnce();
    const row = await rowOf(outboxId);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    // 60 s ± 20% jitter, not the outbox's 1 ms
    expect(row.next_attempt_at - before).toBeGreaterThanOrEqual(48_000);
  });

  it('does not retry a permanent error, and retry() queues a failed row again', async () => {
    const { messageId, outboxId } = await queuedMessage('k-perm');
    const box = outbox({ maxAttempts: 5 });
    let fail = true;
    box.registerSender('k-perm', async () => {
      if (fail) throw new PermanentDeliveryError('mailbox does not exist');
      return { status: 'delivered' };
    });
    await box.runOnce();
    expect(await rowOf(outboxId)).toMatchObject({ status: 'failed', attempts: 1 });
    fail = false;
    expect(await box.retry(outboxId)).toBe(true);
    expect((await deliveryOf(messageId)).delivery_status).toBe('queued');
    await box.runOnce();
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'delivered', delivery_error: null });
  });

  it('takes back a row whose worker died mid-send once its lease ran out', async () => {
    const { outboxId } = await queuedMessage('k-lease');
    await t.ctx.db.updateTable('outbox').set({ status: 'sending', locked_until: Date.now() - 1, attempts: 1 }).where('id', '=', outboxId).execute();
    const box = outbox();
    const seen: number[] = [];
    box.registerSender('k-lease', async (job) => {
      seen.push(job.attempt);
    });
    await box.runOnce();
    expect(seen).toEqual([2]);
    expect((await rowOf(outboxId)).status).toBe('sent');
  });

  it('delivers on its own once started, woken by a new sender', async () => {
    const { messageId } = await queuedMessage('k-started');
    const box = outbox({ pollMs: 60_000 });
    box.start();
    const delivered = new Promise<void>((resolve) => {
      const off = t.ctx.bus.on('message.updated', (e) => {
        if (e.message.id === messageId) {
          off();
          resolve();
        }
      });
    });
    box.registerSender('k-started', async () => undefined);
    await delivered;
    await box.stop();
    expect((await deliveryOf(messageId)).delivery_status).toBe('sent');
  });

  it.each([
    [1, 1000],
    [2, 2000],
    [4, 8000],
    [30, 60_000],
  ])('backs off exponentially: attempt %i waits about %i ms', (attempt, expected) => {
    expect(backoffMs(attempt, 1000, 60_000, () => 0.5)).toBe(expected);
    expect(backoffMs(attempt, 1000, 60_000, () => 0)).toBe(Math.round(expected * 0.8));
  });
});
