import { spawn } from 'node:child_process';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { registerEmailSender } from '../../../../server/channels/email/index.js';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { startFlakySmtp, type FlakySmtp } from '../../../helpers/smtp-flaky.js';
import { buildMail } from './mail-builder.js';

let smtp: FlakySmtp;
let t: TestApp;
let channel: EmailChannelConfig;

beforeAll(async () => {
  smtp = await startFlakySmtp();
  t = await createTestApp({
    channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: smtp.host, port: smtp.port, security: 'none' } }] },
  });
  channel = t.config.channels.email[0] as EmailChannelConfig;
  registerEmailSender(t.ctx);
});
afterAll(async () => {
  smtp?.releaseHung();
  await t?.close();
  await smtp?.close();
});
beforeEach(() => {
  smtp.script.length = 0;
});

/** A customer's mail, then an agent's reply to it queued in the outbox; returns the reply's message id. */
async function queuedReply(): Promise<number> {
  const res = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Dana <dana@example.org>' }));
  const reply = await t.app.inject({
    method: 'POST',
    url: `/api/v1/tickets/${res.ticketId}/messages`,
    headers: t.admin.headers,
    payload: { kind: 'reply', text: 'Your parcel left today.' },
  });
  expect(reply.statusCode).toBe(201);
  return reply.json<{ message: { id: number } }>().message.id;
}

const deliveryOf = (id: number) =>
  t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();
const outboxOf = (id: number) => t.ctx.db.selectFrom('outbox').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow();

/** Whatever is still queued becomes due now, as if its backoff (or a dead worker's lease) had run out. */
async function everythingDue(): Promise<void> {
  await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
  await t.ctx.db.updateTable('outbox').set({ locked_until: 0 }).where('status', '=', 'sending').execute();
}

const messageIdOf = async (raw: Buffer | undefined): Promise<string | undefined> => (raw ? (await simpleParser(raw)).messageId : undefined);

describe('hand-off to the SMTP server', () => {
  it('does not resend a mail the server took before the connection dropped without its 250: delivery uncertain', async () => {
    const id = await queuedReply();
    const before = smtp.received.length;
    smtp.script.push('drop');
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 1);
    const delivery = await deliveryOf(id);
    expect(delivery.delivery_status).toBe('failed');
    expect(delivery.delivery_error).toMatch(/uncertain/i);

    await everythingDue();
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 1);
  });

  it('a worker taking over a send whose 250 never came does not send it again', async () => {
    const id = await queuedReply();
    const before = smtp.received.length;
    smtp.script.push('hang');
    const first = t.ctx.outbox.runOnce();
    await smtp.waitForData(before + 1);
    // The first worker is as good as dead: its lease runs out and another pass claims the row.
    await everythingDue();
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 1);
    expect((await deliveryOf(id)).delivery_error).toMatch(/uncertain/i);
    smtp.releaseHung();
    await first;
    expect(smtp.received.length).toBe(before + 1);
    expect((await deliveryOf(id)).delivery_status).toBe('failed');
  });

  it('never resends a mail whose 250 arrived, even if the worker died before marking the row sent', async () => {
    const id = await queuedReply();
    const before = smtp.received.length;
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 1);
    // As if the process had died right after the 250, before the outbox row was updated.
    await t.ctx.db.updateTable('outbox').set({ status: 'sending', locked_until: 0 }).where('message_id', '=', id).execute();
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 1);
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    expect((await outboxOf(id)).status).toBe('sent');
  });

  it('retries a mail the server refused with a 4xx after its data, with the same Message-ID', async () => {
    const id = await queuedReply();
    const before = smtp.received.length;
    smtp.script.push('defer');
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(id)).delivery_status).toBe('queued');
    await everythingDue();
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 2);
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    const [a, b] = await Promise.all(smtp.received.slice(before).map(messageIdOf));
    expect(a).toMatch(/^<kefu\./);
    expect(b).toBe(a);
  });

  it('an agent may send an uncertain mail again; it keeps its Message-ID so the receiver can drop a copy', async () => {
    const id = await queuedReply();
    const before = smtp.received.length;
    smtp.script.push('drop');
    await t.ctx.outbox.runOnce();
    const row = await outboxOf(id);
    expect(row.status).toBe('failed');
    expect(await t.ctx.outbox.retry(row.id)).toBe(true);
    await t.ctx.outbox.runOnce();
    expect(smtp.received.length).toBe(before + 2);
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    const [a, b] = await Promise.all(smtp.received.slice(before).map(messageIdOf));
    expect(b).toBe(a);
  });
});

describe('a sending process killed with SIGKILL between the data and the 250', () => {
  it('is not sent again by the next process once the lease is over: delivery uncertain', async () => {
    const server = await startFlakySmtp();
    const email = { email: [{ name: 'support', address: 'support@example.com', smtp: { host: server.host, port: server.port, security: 'none' } }] };
    // This process writes the ticket and the reply; it registers no sender until the other one is dead.
    const here = await createTestApp({ channels: email });
    try {
      const mailbox = here.config.channels.email[0] as EmailChannelConfig;
      const res = await ingestRawEmail(here.ctx, mailbox, buildMail({ from: 'Kai <kai@example.org>' }));
      const reply = await here.app.inject({ method: 'POST', url: `/api/v1/tickets/${res.ticketId}/messages`, headers: here.admin.headers, payload: { kind: 'reply', text: 'Sent once.' } });
      expect(reply.statusCode).toBe(201);
      server.script.push('hang');
      // The same database as this process, on either driver.
      const database = here.config.database.driver === 'postgres' ? { database: { driver: 'postgres', url: here.config.database.url } } : {};
      const config = JSON.stringify({ data_dir: here.dataDir, log: { level: 'silent' }, channels: email, ...database });
      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('tests/helpers/email-send-child.ts'), config], { stdio: ['ignore', 'ignore', 'inherit'] });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // The child starts the server code under tsx: on a loaded two-core machine that alone can take 20 s.
      await server.waitForData(1, 60_000);
      child.kill('SIGKILL');
      await exited;

      // Five minutes later, as far as the lease knows.
      await here.ctx.db.updateTable('outbox').set({ locked_until: 0 }).where('status', '=', 'sending').execute();
      registerEmailSender(here.ctx);
      await here.ctx.outbox.runOnce();
      expect(server.received).toHaveLength(1);
      const row = await here.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('kind', '=', 'outbound').executeTakeFirstOrThrow();
      expect(row.delivery_status).toBe('failed');
      expect(row.delivery_error).toMatch(/uncertain/i);
    } finally {
      server.releaseHung();
      await here.close();
      await server.close();
    }
  }, 120_000);
});
