import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { buildMail } from '../channels/email/mail-builder.js';
import { form, signInLinkTo } from './helpers.js';

let desk: MailDesk;
beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { server: { public_url: 'https://help.example.com' } } });
  await ingestRawEmail(desk.t.ctx, desk.t.config.channels.email[0] as EmailChannelConfig, buildMail({ from: 'Ann <ann@example.org>', subject: 'Broken kettle' }));
});
afterAll(async () => {
  await desk?.close();
});

const inject = (opts: Parameters<MailDesk['t']['app']['inject']>[0]) => desk.t.app.inject(opts);
const outboxCount = async () => (await desk.t.ctx.db.selectFrom('outbox').select('id').execute()).length;
const askLink = (email: string, ip = '127.0.0.1') => inject({ method: 'POST', url: '/help/tickets/login', remoteAddress: ip, ...form({ email }) });

describe('portal sign-in by one-time link', () => {
  it('shows an email form to a signed-out visitor, as plain HTML', async () => {
    const res = await inject({ method: 'GET', url: '/help/tickets' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('action="/help/tickets/login"');
    expect(res.body).toContain('name="viewport"');
    expect(res.body).not.toContain('<script');
  });

  it('mails a link from the support mailbox that signs the contact in once, with an HttpOnly Lax cookie', async () => {
    const asked = await askLink('ANN@example.org');
    expect(asked.statusCode).toBe(200);
    expect(asked.body).toContain('data-portal="link-sent"');
    const mail = await signInLinkTo(desk, 'ann@example.org');
    expect(mail.subject).toBe('Your sign-in link');
    const row = await desk.t.ctx.db.selectFrom('portal_login_links').selectAll().executeTakeFirstOrThrow();
    // Only the hash is stored: the token from the mail is not in the table.
    expect(JSON.stringify(row)).not.toContain(mail.path.split('/').pop());

    const first = await inject({ method: 'GET', url: mail.path });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/help/tickets');
    const cookie = first.cookies.find((c) => c.name === 'kefu_portal');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/help/tickets' });
    const list = await inject({ method: 'GET', url: '/help/tickets', headers: { cookie: `kefu_portal=${cookie?.value}` } });
    expect(list.body).toContain('Broken kettle');
    expect(list.body).toContain('ann@example.org');

    const second = await inject({ method: 'GET', url: mail.path });
    expect(second.statusCode).toBe(410);
    expect(second.body).toContain('data-portal-link="used"');
    expect(second.body).toContain('action="/help/tickets/login"');
    expect(second.cookies.find((c) => c.name === 'kefu_portal')).toBeUndefined();
  });

  it('answers an unknown address exactly like a known one and mails nothing', async () => {
    const before = await outboxCount();
    const unknown = await askLink('nobody@example.org');
    expect(await outboxCount()).toBe(before);
    const known = await askLink('ann@example.org');
    expect(await outboxCount()).toBe(before + 1);
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body.replaceAll('nobody@example.org', 'X')).toBe(known.body.replaceAll('ann@example.org', 'X'));
    await signInLinkTo(desk, 'ann@example.org');
  });

  it('refuses an expired link with 410 and offers a new one', async () => {
    await askLink('ann@example.org');
    const mail = await signInLinkTo(desk, 'ann@example.org');
    await desk.t.ctx.db.updateTable('portal_login_links').set({ expires_at: Date.now() - 1 }).where('used_at', 'is', null).execute();
    const res = await inject({ method: 'GET', url: mail.path });
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('data-portal-link="expired"');
    const forged = await inject({ method: 'GET', url: '/help/tickets/login/not-a-real-token' });
    expect(forged.statusCode).toBe(410);
  });

  it('limits link requests per address (same answer, no mail) and per IP (429)', async () => {
    const before = await outboxCount();
    for (let i = 0; i < 5; i++) expect((await askLink('nobody2@example.org', '10.0.0.2')).statusCode).toBe(200);
    // ann@ had 3 requests above: the per-address limit holds her fourth mail back, the page says the same.
    const held = await askLink('ann@example.org', '10.0.0.3');
    expect(held.statusCode).toBe(200);
    expect(held.body).toContain('data-portal="link-sent"');
    expect(await outboxCount()).toBe(before);
    for (let i = 0; i < 5; i++) expect((await askLink(`x${i}@example.org`, '10.0.0.2')).statusCode).toBe(200);
    const limited = await askLink('x9@example.org', '10.0.0.2');
    expect(limited.statusCode).toBe(429);
  });

  it('rejects a malformed address with the form again', async () => {
    const res = await askLink('not an email', '10.0.0.4');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('valid email address');
  });
});
