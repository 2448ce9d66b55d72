import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import type { Session, TestApp } from '../../../helpers/app.js';
import { startMailDesk, type MailDesk } from '../../../helpers/mail-desk.js';
import type { SmtpSink } from '../../../helpers/smtp-sink.js';
import { buildMail } from './mail-builder.js';

let desk: MailDesk;
let sink: SmtpSink;
let t: TestApp;
let channel: EmailChannelConfig;
let agent: Session;

beforeAll(async () => {
  desk = await startMailDesk(
    [
      {
        name: 'support',
        address: 'support@example.com',
        agent_notifications: true,
        auto_acknowledge: { subject: 'We got your mail', body: 'Hi {{contact.name}}, thanks.' },
      },
    ],
    { notifications: true },
  );
  ({ t, sink } = desk);
  channel = t.config.channels.email[0] as EmailChannelConfig;
  agent = await t.signIn('agent', 'omar@example.test');
});
afterAll(async () => {
  await desk?.close();
});

/** The `count`-th mail the sink received, parsed, once what is queued has been sent. */
async function sent(count: number) {
  const all = await desk.deliver(count);
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
