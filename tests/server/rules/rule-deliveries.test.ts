import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerEmailSender } from '../../../server/channels/email/index.js';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { buildMail } from '../channels/email/mail-builder.js';
import { webhookSender } from '../../../server/modules/rules/webhook.js';
import { PermanentDeliveryError } from '../../../server/outbox/senders.js';

let sink: SmtpSink;
let t: TestApp;
let channel: EmailChannelConfig;
let hook: Server;
let hookUrl = '';
const hookCalls: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = [];
let hookAnswers: number[] = [];

beforeAll(async () => {
  sink = await startSmtpSink();
  // The receiver below listens on loopback, which the SSRF guard refuses unless the config allows it.
  t = await createTestApp({
    webhooks: { allow_private_networks: true },
    channels: { email: [{ name: 'support', address: 'support@example.com', smtp: { host: sink.host, port: sink.port, security: 'none' } }] },
  });
  channel = t.config.channels.email[0] as EmailChannelConfig;
  registerEmailSender(t.ctx);
  hook = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hookCalls.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: req.headers });
      res.statusCode = hookAnswers.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/kefu`;
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

const rule = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/rules', headers: t.admin.headers, payload: body });
const clear = async () => {
  const list = (await t.app.inject({ method: 'GET', url: '/api/v1/rules', headers: t.admin.headers })).json<{ items: Array<{ id: number }> }>().items;
  for (const r of list) await t.app.inject({ method: 'DELETE', url: `/api/v1/rules/${r.id}`, headers: t.admin.headers });
};

async function mail(from: string, subject: string, headers: Record<string, string> = {}): Promise<number> {
  const r = await ingestRawEmail(t.ctx, channel, buildMail({ from, subject, headers }));
  await t.ctx.automation.idle();
  return r.ticketId ?? 0;
}

const outboundOf = (ticketId: number) =>
  t.ctx.db.selectFrom('messages').select(['text', 'author_name']).where('ticket_id', '=', ticketId).where('kind', '=', 'outbound').execute();

/** Runs the outbox until nothing is due; a retry scheduled for later is made due now. */
async function drainOutbox(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
    if ((await t.ctx.outbox.runOnce()) === 0) return;
  }
}

describe('rule deliveries', () => {
  it('auto-replies on the ticket’s own channel, at most N a day per contact, never to an automatic mail', async () => {
    await clear();
    const res = await rule({
      name: 'Thanks',
      event: 'message.customer',
      conditions: {},
      actions: [{ type: 'auto_reply', text: 'Hello {{contact.name}}, we got ticket {{ticket.number}}.', maxPerContactPerDay: 2 }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const first = await mail('Ann <ann@example.org>', 'One');
    const second = await mail('Ann <ann@example.org>', 'Two');
    const third = await mail('Ann <ann@example.org>', 'Three');
    const robot = await mail('Robot <robot@example.org>', 'Out of office', { 'Auto-Submitted': 'auto-replied' });
    expect(robot).toBeGreaterThan(0);
    const ticketNumber = (await t.ctx.db.selectFrom('tickets').select('number').where('id', '=', first).executeTakeFirstOrThrow()).number;
    expect(await outboundOf(first)).toEqual([{ text: `Hello Ann, we got ticket ${ticketNumber}.`, author_name: 'Rule ‘Thanks’' }]);
    expect(await outboundOf(second)).toHaveLength(1);
    expect(await outboundOf(third)).toEqual([]);
    expect(await outboundOf(robot)).toEqual([]);
    await drainOutbox();
    const sent = await sink.waitFor(2, 5000);
    expect(sent.map((m) => m.to)).toEqual([['ann@example.org'], ['ann@example.org']]);
    // The two tickets' replies go out side by side: either may reach the server first.
    const secondNumber = (await t.ctx.db.selectFrom('tickets').select('number').where('id', '=', second).executeTakeFirstOrThrow()).number;
    const numbersSent = sent.map((m) => /we got ticket (\d+)/.exec(m.raw.toString('utf8'))?.[1]).sort();
    expect(numbersSent).toEqual([String(ticketNumber), String(secondNumber)].sort());
  });

  it('emails a team’s members through the outbox', async () => {
    await clear();
    const nora = await t.signIn('agent', 'nora@example.test');
    const team = (await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: t.admin.headers, payload: { name: 'Legal', memberIds: [nora.agentId] } })).json<{ team: { id: number } }>().team;
    const res = await rule({
      name: 'Tell legal',
      event: 'ticket.created',
      conditions: { all: [{ field: 'subject', op: 'contains', value: 'lawsuit' }] },
      actions: [{ type: 'email_agents', teamId: team.id, subject: 'Legal: #{{ticket.number}}', text: 'A ticket needs you: {{ticket.subject}}' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const before = sink.messages.length;
    await mail('Zed <zed@example.org>', 'A lawsuit is coming');
    await drainOutbox();
    const sent = await sink.waitFor(before + 1, 5000);
    const last = sent[sent.length - 1];
    expect(last?.to).toEqual(['nora@example.test']);
    expect(last?.raw.toString('utf8')).toContain('A ticket needs you: A lawsuit is coming');
  });

  it('calls a webhook through the outbox and retries it after a server error', async () => {
    await clear();
    const res = await rule({ name: 'Hook', event: 'ticket.created', conditions: {}, actions: [{ type: 'webhook', url: hookUrl }] });
    expect(res.statusCode, res.body).toBe(201);
    hookAnswers = [503, 200];
    const ticketId = await mail('Hal <hal@example.org>', 'Webhook me');
    await drainOutbox();
    expect(hookCalls).toHaveLength(2);
    expect(hookCalls[1]?.body).toMatchObject({ event: 'rule.webhook', rule: { name: 'Hook' }, ticket: { id: ticketId, subject: 'Webhook me' } });
    const row = await t.ctx.db.selectFrom('outbox').select(['status', 'attempts']).where('kind', '=', 'webhook').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('refuses a loopback webhook when private networks are not allowed, before sending anything', async () => {
    const before = hookCalls.length;
    const send = webhookSender({ allowPrivateNetworks: false });
    const job = { id: 1, kind: 'webhook', channelName: null, messageId: null, attempt: 1, payload: { url: hookUrl, body: { event: 'rule.webhook' } } };
    await expect(send(job)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(send(job)).rejects.toThrow(/127\.0\.0\.1/);
    expect(hookCalls).toHaveLength(before);
  });

  it('refuses a webhook that is not http(s)', async () => {
    const res = await rule({ name: 'Bad hook', event: 'ticket.created', conditions: {}, actions: [{ type: 'webhook', url: 'file:///etc/passwd' }] });
    expect(res.statusCode).toBe(400);
  });
});
