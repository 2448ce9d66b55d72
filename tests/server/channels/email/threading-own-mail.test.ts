import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { registerEmailSender } from '../../../../server/channels/email/index.js';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import { startAgentNotifications } from '../../../../server/channels/email/notifications.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { startSmtpSink, type SmtpSink } from '../../../helpers/smtp-sink.js';
import { buildMail } from './mail-builder.js';

let sink: SmtpSink;
let t: TestApp;
let channel: EmailChannelConfig;
let agent: Session;

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await createTestApp({
    channels: {
      email: [
        {
          name: 'support',
          address: 'support@example.com',
          agent_notifications: true,
          smtp: { host: sink.host, port: sink.port, security: 'none' },
          auto_acknowledge: { subject: 'We got your mail', body: 'Hi {{contact.name}}, thanks.' },
        },
      ],
    },
  });
  channel = t.config.channels.email[0] as EmailChannelConfig;
  registerEmailSender(t.ctx);
  t.ctx.onClose(startAgentNotifications(t.ctx));
  agent = await t.signIn('agent', 'omar@example.test');
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

/** Sends what is queued until `count` mails in all reached the sink (bus events commit a moment later). */
async function sent(count: number) {
  for (let i = 0; i < 100 && sink.messages.length < count; i++) {
    await t.ctx.outbox.runOnce();
    if (sink.messages.length < count) await new Promise((r) => setTimeout(r, 20));
  }
  const all = await sink.waitFor(count, 2000);
  return simpleParser(all[count - 1]?.raw ?? Buffer.alloc(0));
}

describe('threading on the Message-IDs of every mail Kefu sent', () => {
  it('a reply whose only link is In-Reply-To to the acknowledgement joins the ticket', async () => {
    const first = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Lea <lea@example.org>', subject: 'Wrong size' }));
    const ack = await sent(sink.messages.length + 1);
    expect(ack.subject).toContain('We got your mail');
    const ackId = (ack.messageId ?? '').replace(/^<|>$/g, '');
    expect(ackId).not.toBe('');

    // A client that keeps no References and a subject without the ticket token, from another address.
    const reply = await ingestRawEmail(
      t.ctx,
      channel,
      buildMail({ from: 'Lea at work <lea@work.example>', subject: 'about the size', inReplyTo: ackId }),
    );
    expect(reply.ticketId).toBe(first.ticketId);
    expect(reply.ticketCreated).toBe(false);
  });

  it('a reply to an agent notification joins the ticket it was about', async () => {
    const first = await ingestRawEmail(t.ctx, channel, buildMail({ from: 'Max <max@example.org>', subject: 'Refund' }));
    await sent(sink.messages.length + 1); // the acknowledgement
    const assign = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${first.ticketId}`, headers: t.admin.headers, payload: { assigneeId: agent.agentId } });
    expect(assign.statusCode).toBe(200);
    const notice = await sent(sink.messages.length + 1);
    expect(notice.subject).toContain('was assigned to you');
    expect(notice.subject).not.toContain('[#');
    const reply = await ingestRawEmail(
      t.ctx,
      channel,
      buildMail({ from: 'Omar <omar@example.test>', subject: 'Re: notice', inReplyTo: (notice.messageId ?? '').replace(/^<|>$/g, '') }),
    );
    expect(reply.ticketId).toBe(first.ticketId);
  });
});
