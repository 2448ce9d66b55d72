import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { startMailDesk, type MailDesk } from '../../helpers/mail-desk.js';
import { buildMail } from '../channels/email/mail-builder.js';
import { followSignInLink, form, signInLinkTo, tokenIn } from './helpers.js';

let desk: MailDesk;
beforeAll(async () => {
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], { config: { server: { public_url: 'https://help.example.com' } } });
  await ingestRawEmail(desk.t.ctx, desk.t.config.channels.email[0] as EmailChannelConfig, buildMail({ from: 'Ann <ann@example.org>', subject: 'Broken kettle' }));
  await ingestRawEmail(desk.t.ctx, desk.t.config.channels.email[0] as EmailChannelConfig, buildMail({ from: 'Dora <dora@example.org>', subject: 'Late parcel' }));
});
afterAll(async () => {
  await desk?.close();
});

const inject = (opts: InjectOptions) => desk.t.app.inject(opts);
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

    const { res: first, cookie } = await followSignInLink(desk.t.app, mail.path);
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe('/help/tickets');
    expect(first.cookies.find((c) => c.name === 'kefu_portal')).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/help/tickets' });
    const list = await inject({ method: 'GET', url: '/help/tickets', headers: { cookie } });
    expect(list.body).toContain('Broken kettle');
    expect(list.body).toContain('ann@example.org');

    const second = await inject({ method: 'GET', url: mail.path });
    expect(second.statusCode).toBe(410);
    expect(second.body).toContain('data-portal-link="used"');
    expect(second.body).toContain('action="/help/tickets/login"');
    expect(second.cookies.find((c) => c.name === 'kefu_portal')).toBeUndefined();
    // Pressing "Sign in" again on a confirm page left open says the same.
    const again = await inject({ method: 'POST', url: '/help/tickets/login/confirm', ...form({ token: mail.path.split('/').pop() ?? '' }) });
    expect(again.statusCode).toBe(410);
    expect(again.body).toContain('data-portal-link="used"');
    expect(again.cookies.find((c) => c.name === 'kefu_portal')).toBeUndefined();
  });

  it('lets a mail scanner fetch the link as often as it likes: only the confirm button uses it up', async () => {
    await askLink('dora@example.org', '10.0.1.1');
    const mail = await signInLinkTo(desk, 'dora@example.org');
    const token = mail.path.split('/').pop() ?? '';
    for (const method of ['GET', 'HEAD', 'GET'] as const) {
      const scanned = await inject({ method, url: mail.path });
      expect(scanned.statusCode).toBe(200);
      expect(scanned.cookies.find((c) => c.name === 'kefu_portal')).toBeUndefined();
    }
    const page = await inject({ method: 'GET', url: mail.path, headers: { 'accept-language': 'zh-CN' } });
    // A plain form that posts the token in its body to this site; no script needed.
    expect(page.body).toMatch(/<form[^>]* method="post" action="\/help\/tickets\/login\/confirm"[^>]* data-portal="confirm"/);
    expect(tokenIn(page.body)).toBe(token);
    expect(page.body).toContain('dora@example.org');
    expect(page.body).toContain('>登录</button>');
    expect(page.body).not.toContain('<script');
    // Switching language stays on this page rather than dropping the customer at the sign-in form.
    expect(page.body).toContain(`<a href="${mail.path}?locale=zh-TW" hreflang="zh-TW"`);
    expect(page.headers['cache-control']).toBe('no-store');
    // The token in this page's URL is not sent on to other sites as a Referer.
    expect(page.headers['referrer-policy']).toBe('same-origin');
    const row = await desk.t.ctx.db.selectFrom('portal_login_links').select('used_at').where('email', '=', 'dora@example.org').executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();

    const signed = await inject({ method: 'POST', url: '/help/tickets/login/confirm', ...form({ token }, { origin: 'https://help.example.com' }) });
    expect(signed.statusCode).toBe(303);
    expect(signed.cookies.find((c) => c.name === 'kefu_portal')?.value).toBeTruthy();
  });

  it('refuses a sign-in posted from another site and leaves the link unused', async () => {
    await askLink('dora@example.org', '10.0.1.2');
    const mail = await signInLinkTo(desk, 'dora@example.org');
    const token = mail.path.split('/').pop() ?? '';
    const confirm = (headers: Record<string, string>) => inject({ method: 'POST', url: '/help/tickets/login/confirm', ...form({ token }, headers) });
    for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const res = await confirm(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.body).toContain('data-portal="cross-site"');
      expect(res.cookies.find((c) => c.name === 'kefu_portal')).toBeUndefined();
    }
    // From the confirm page itself, served on the host the customer opened: signed in.
    const res = await confirm({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' });
    expect(res.statusCode).toBe(303);
    expect(res.cookies.find((c) => c.name === 'kefu_portal')?.value).toBeTruthy();
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
    expect(res.body).toContain('action="/help/tickets/login"');
    const posted = await inject({ method: 'POST', url: '/help/tickets/login/confirm', ...form({ token: mail.path.split('/').pop() ?? '' }) });
    expect(posted.statusCode).toBe(410);
    expect(posted.body).toContain('data-portal-link="expired"');
    const forged = await inject({ method: 'GET', url: '/help/tickets/login/not-a-real-token' });
    expect(forged.statusCode).toBe(410);
    expect((await inject({ method: 'POST', url: '/help/tickets/login/confirm', ...form({ token: 'not-a-real-token' }) })).statusCode).toBe(410);
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
