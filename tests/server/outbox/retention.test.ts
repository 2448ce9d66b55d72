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
  const s = t.ctx.database.sqlite;
  if (kind === 'email') {
    // A mail Kefu sent: its Message-ID record threads replies and places bounces, so the row stays.
    s.prepare(`update outbox set status = 'sent' where id = ?`).run(queued.id);
    s.prepare(`insert into email_outbound (outbox_id, channel_name, message_id, created_at) values (?, 'support', ?, ?)`).run(queued.id, `<m${queued.id}@example.com>`, at);
  }
  s.prepare('update outbox set updated_at = ?, created_at = ? where id = ?').run(at, at, queued.id);
  return queued.id;
}
const statusOf = (id: number) => (t.ctx.database.sqlite.prepare('select status from outbox where id = ?').pluck().get(id) as string | undefined) ?? 'gone';

describe('sent outbox rows', () => {
  it('are trimmed a week after they went out; failed, pending and sent mail rows stay', async () => {
    expect(SENT_OUTBOX_RETENTION_MS).toBe(7 * DAY);
    const oldSent = await row('trim-ok', 8);
    const recentSent = await row('trim-ok', 6);
    const oldFailed = await row('trim-bad', 30);
    const oldPending = await row('trim-waiting', 30);
    const oldMail = await row('email', 30);
    expect([statusOf(oldSent), statusOf(oldFailed), statusOf(oldPending)]).toEqual(['sent', 'failed', 'pending']);
    await retentionJob(t.ctx).run();
    expect([oldSent, recentSent, oldFailed, oldPending, oldMail].map(statusOf)).toEqual(['gone', 'sent', 'failed', 'pending', 'sent']);
    expect(t.ctx.database.sqlite.prepare('select count(*) from email_outbound where outbox_id = ?').pluck().get(oldMail)).toBe(1);
  });

  it('works through a long backlog in small batches', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await row('trim-ok', 20 + i));
    expect(await trimSentOutbox(t.ctx, { batchSize: 2 })).toBe(5);
    expect(ids.map(statusOf)).toEqual(['gone', 'gone', 'gone', 'gone', 'gone']);
  });
});
