import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoMailBudgetLeft } from '../../../../server/channels/email/auto-ack.js';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { configFromObject } from '../../../../server/config/load.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { buildMail } from './mail-builder.js';

let t: TestApp;
let channel: EmailChannelConfig;

beforeAll(async () => {
  t = await createTestApp({
    channels: {
      email: [
        {
          name: 'support',
          address: 'support@example.com',
          // No smtp: the acknowledgements stay queued, which is all these tests count.
          auto_acknowledge: { subject: 'Received', body: 'Thanks.' },
          auto_mail_limits: { per_mailbox: 5 },
        },
      ],
    },
  });
  channel = t.config.channels.email[0] as EmailChannelConfig;
});
afterAll(async () => t?.close());

const queuedAcks = async (): Promise<number> => {
  const rows = await t.ctx.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').execute();
  return rows.filter((r) => JSON.parse(r.payload).autoSubmitted === true).length;
};

describe('budget for automatic mail', () => {
  it('defaults to 3 per ticket and 30 per mailbox in 10 minutes, and rejects a bad value naming the key', () => {
    const config = configFromObject({ channels: { email: [{ name: 'a', address: 'a@example.com' }] } });
    expect(config.channels.email[0]?.auto_mail_limits).toEqual({ per_ticket: 3, per_mailbox: 30, window_minutes: 10 });
    expect(() => configFromObject({ channels: { email: [{ name: 'a', address: 'a@example.com', auto_mail_limits: { per_mailbox: 0 } }] } })).toThrow(
      /channels\.email\[0\]\.auto_mail_limits\.per_mailbox/,
    );
  });

  it('stops acknowledging a responder that changes its From and Reply-To on every mail once the mailbox budget is spent', async () => {
    const before = await queuedAcks();
    for (let i = 0; i < 9; i++) {
      // Plain-looking mail: no RFC 3834 header, so only the budget can stop the loop.
      await ingestRawEmail(t.ctx, channel, buildMail({ from: `Desk <desk-${i}@loop.example>`, headers: { 'Reply-To': `r${i}@loop.example` }, subject: `Ticket ${i} received` }));
    }
    expect((await queuedAcks()) - before).toBe(5);
    const tickets = await t.ctx.db.selectFrom('tickets').select('id').execute();
    expect(tickets.length).toBeGreaterThanOrEqual(9);
  });

  it('opens again once the window has passed', async () => {
    const before = await queuedAcks();
    // As if the earlier acknowledgements were sent more than ten minutes ago.
    await t.ctx.db.updateTable('email_auto_acks').set((eb) => ({ sent_at: eb('sent_at', '-', 11 * 60_000) })).execute();
    await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Ana <ana@example.org>', subject: 'A real question' }));
    expect((await queuedAcks()) - before).toBe(1);
  });

  it('counts per ticket too', async () => {
    const res = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Ben <ben@example.org>', subject: 'Per ticket' }));
    const ticketId = res.ticketId as number;
    const at = Date.now();
    const budget = (): Promise<boolean> => t.ctx.database.transaction((tx) => autoMailBudgetLeft(tx, channel, ticketId, at));
    await t.ctx.db.updateTable('email_auto_acks').set((eb) => ({ sent_at: eb('sent_at', '-', 11 * 60_000) })).where('ticket_id', '!=', ticketId).execute();
    expect(await budget()).toBe(true);
    for (let i = 0; i < 2; i++) {
      await t.ctx.db.insertInto('email_auto_acks').values({ channel_name: 'support', sender: `x${i}@example.org`, ticket_id: ticketId, sent_at: at }).execute();
    }
    expect(await budget()).toBe(false);
  });
});
