import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../../server/channels/email/config-schema.js';
import type { Session, TestApp } from '../../../helpers/app.js';
import { startMailDesk, type MailDesk } from '../../../helpers/mail-desk.js';
import type { SmtpSink } from '../../../helpers/smtp-sink.js';
import { buildMail } from './mail-builder.js';

let desk: MailDesk;
let sink: SmtpSink;
let t: TestApp;
let agent: Session;

beforeAll(async () => {
  desk = await startMailDesk([{ name: 'system', address: 'desk@example.com', agent_notifications: true }], { notifications: true });
  ({ t, sink } = desk);
  agent = await t.signIn('agent', 'nora@example.test');
});
afterAll(async () => {
  await desk?.close();
});

const sendQueued = (expected: number) => desk.deliver(expected);

describe('agent notification emails', () => {
  it('tells an agent about an assignment and a mention, never about their own actions', async () => {
    const channel = t.config.channels.email[0] as EmailChannelConfig;
    const { ticketId, ticketNumber } = await ingestRawEmail(t.ctx, channel, buildMail({ subject: 'Refund please', messageId: 'notify-1@example.org' }));
    const assign = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers, payload: { assigneeId: agent.agentId } });
    expect(assign.statusCode).toBe(200);
    const [first] = await sendQueued(1);
    const mail = await simpleParser(first?.raw ?? Buffer.alloc(0));
    expect(first?.to).toEqual(['nora@example.test']);
    expect(mail.subject).toBe(`Ticket #${ticketNumber} was assigned to you: Refund please`);
    expect(mail.subject).not.toContain('[#');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.text).toContain(`/tickets/${ticketId}`);

    const note = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'note', text: 'Could @nora check the refund?' } });
    expect(note.statusCode).toBe(201);
    const all = await sendQueued(2);
    const mention = await simpleParser(all[1]?.raw ?? Buffer.alloc(0));
    expect(mention.subject).toMatch(new RegExp(`mentioned you on ticket #${ticketNumber}`));
    expect(mention.text).toContain('Could @nora check the refund?');

    // Nora's own note mentioning herself sends nothing.
    await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: agent.headers, payload: { kind: 'note', text: 'On it @nora' } });
    await t.ctx.outbox.runOnce();
    expect(sink.messages).toHaveLength(2);
  });
});
