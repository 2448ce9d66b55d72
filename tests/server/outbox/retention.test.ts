import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retentionJob } from '../../../server/jobs/retention.js';
import { enqueue } from '../../../server/outbox/queue.js';
import { SENT_OUTBOX_RETENTION_MS, trimSentOutbox } from '../../../server/outbox/retention.js';
import { PermanentDeliveryError } from '../../../server/outbox/senders.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

const DAY = 86_400_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.outbox.registerSender('trim-ok', async () => undefined);
  t.ctx.outbox.registerSender('trim-bad', async () => {
    throw new PermanentDeliveryError('refused');
  });
});
afterAll(async () => t?.close());

/** A row of `kind` run through the outbox (sent or failed for good, or left pending), then dated `ageDays` back. */
async function row(kind: 'trim-ok' | 'trim-bad' | 'trim-waiting' | 'email', ageDays: number): Promise<number> {
  const queued = await t.ctx.database.transaction((tx) => enqueue(tx, { kind, channelName: null, payload: { n: ageDays } }));
  if (kind === 'trim-ok' || kind === 'trim-bad') while ((await t.ctx.outbox.runOnce()) > 0);
  const at = Date.now() - ageDays * DAY;
  const { db } = t.ctx;
  if (kind === 'email') {
    // A mail Kefu sent: its Message-ID record threads replies and places bounces, so the row stays.
    await db.updateTable('outbox').set({ status: 'sent' }).where('id', '=', queued.id).execute();
    await db.insertInto('email_outbound').values({ outbox_id: queued.id, channel_name: 'support', message_id: `<m${queued.id}@example.com>`, created_at: at }).execute();
  }
  await db.updateTable('outbox').set({ updated_at: at, created_at: at }).where('id', '=', queued.id).execute();
  return queued.id;
}
const statusOf = async (id: number): Promise<string> =>
  (await t.ctx.db.selectFrom('outbox').select('status').where('id', '=', id).executeTakeFirst())?.status ?? 'gone';
const statusesOf = (ids: number[]): Promise<string[]> => Promise.all(ids.map(statusOf));

describe('sent outbox rows', () => {
  it('are trimmed a week after they went out; failed, pending and sent mail rows stay', async () => {
    expect(SENT_OUTBOX_RETENTION_MS).toBe(7 * DAY);
    const oldSent = await row('trim-ok', 8);
    const recentSent = await row('trim-ok', 6);
    const oldFailed = await row('trim-bad', 30);
    const oldPending = await row('trim-waiting', 30);
    const oldMail = await row('email', 30);
    expect(await statusesOf([oldSent, oldFailed, oldPending])).toEqual(['sent', 'failed', 'pending']);
    await retentionJob(t.ctx).run();
    expect(await statusesOf([oldSent, recentSent, oldFailed, oldPending, oldMail])).toEqual(['gone', 'sent', 'failed', 'pending', 'sent']);
    expect(await t.ctx.db.selectFrom('email_outbound').select('outbox_id').where('outbox_id', '=', oldMail).execute()).toHaveLength(1);
  });

  it('works through a long backlog in small batches', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await row('trim-ok', 20 + i));
    expect(await trimSentOutbox(t.ctx, { batchSize: 2 })).toBe(5);
    expect(await statusesOf(ids)).toEqual(['gone', 'gone', 'gone', 'gone', 'gone']);
  });
});
