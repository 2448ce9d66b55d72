import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../helpers/app.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import type { SmtpSink } from '../../helpers/smtp-sink.js';

let desk: MailDesk;
let sink: SmtpSink;
let t: TestApp;

beforeAll(async () => {
  desk = await startMailDesk(
    [
      { name: 'support', address: 'support@example.com' },
      { name: 'system', address: 'desk@example.com', agent_notifications: true },
    ],
    { config: { server: { public_url: 'https://desk.example.test' } } },
  );
  ({ t, sink } = desk);
});
afterAll(async () => {
  await desk?.close();
});

async function deliver(expected: number) {
  const mails = await desk.deliver(expected, 5000);
  return simpleParser(mails[expected - 1]?.raw ?? Buffer.alloc(0));
}

/** The link as a person would follow it: its token, taken from the mail's text. */
function followLink(text: string | undefined, path: string): string {
  const match = new RegExp(`https://desk\\.example\\.test${path}\\?token=(\\S+)`).exec(text ?? '');
  expect(match, text).not.toBeNull();
  return decodeURIComponent(match?.[1] ?? '');
}

describe('invitation and reset mails over SMTP', () => {
  it('mails the invitation from the notification mailbox; its link creates the agent', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/agents/invites', headers: t.admin.headers, payload: { email: 'mei@example.test', role: 'agent' } });
    expect(res.json().mailed).toBe(true);
    const mail = await deliver(1);
    expect(sink.messages[0]?.to).toEqual(['mei@example.test']);
    expect(mail.from?.value[0]?.address).toBe('desk@example.com');
    expect(mail.subject).toMatch(/invited you/);
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    const token = followLink(mail.text, '/invite');
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, name: 'Mei Lin', password: 'mei password 1' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().agent).toMatchObject({ email: 'mei@example.test', name: 'Mei Lin', role: 'agent' });
  });

  it('mails a reset link; following it sets the password that signs in', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', payload: { email: 'mei@example.test' } });
    const mail = await deliver(2);
    expect(sink.messages[1]?.to).toEqual(['mei@example.test']);
    expect(mail.subject).toBe('Reset your Kefu password');
    const token = followLink(mail.text, '/reset-password');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', payload: { token, password: 'mei password 2' } });
    expect(res.statusCode, res.body).toBe(200);
    await t.login('mei@example.test', 'mei password 2');
  });

  it('writes the invitation in the language the admin chose, and the new agent gets that language', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents/invites',
      headers: t.admin.headers,
      payload: { email: 'lan@example.test', role: 'agent', language: 'zh-CN' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().invite.language).toBe('zh-CN');
    const mail = await deliver(3);
    expect(sink.messages[2]?.to).toEqual(['lan@example.test']);
    expect(mail.subject).toMatch(/邀请您加入 Kefu 客服系统$/);
    expect(mail.text).toContain('请在此设置您的姓名和密码');
    expect(mail.text).not.toMatch(/invited you|Choose your/);
    const token = followLink(mail.text, '/invite');
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, name: '兰', password: 'lan password 1' } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().agent.language).toBe('zh-CN');
  });

  it('writes the reset mail in the agent’s own language', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', payload: { email: 'lan@example.test' }, remoteAddress: '10.9.0.1' });
    const mail = await deliver(4);
    expect(sink.messages[3]?.to).toEqual(['lan@example.test']);
    expect(mail.subject).toBe('重置您的 Kefu 密码');
    expect(mail.text).toContain('有人请求重置您的 Kefu 账户（lan@example.test）的密码');
    const token = followLink(mail.text, '/reset-password');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', payload: { token, password: 'lan password 2' } });
    expect(res.statusCode, res.body).toBe(200);
  });
});
