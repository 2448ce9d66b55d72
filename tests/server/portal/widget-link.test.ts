import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '../../../server/channels/widget/token.js';
import type { TestApp } from '../../helpers/app.js';
import { IDENTITY_SECRET, Visitor, widgetApp } from '../channels/widget/helpers.js';
import { followSignInLink } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await widgetApp({ email_channel: 'support' }, { server: { public_url: 'https://help.example.com' } });
});
afterAll(async () => {
  await t?.close();
});

async function verified(id: string, email: string): Promise<Visitor> {
  const v = new Visitor(t);
  await v.start();
  const ok = await v.call('POST', '/identify', { id, hash: identityHash(IDENTITY_SECRET, id, email), email });
  expect(ok.statusCode).toBe(200);
  v.token = ok.json<{ token: string }>().token;
  return v;
}

describe('widget → portal signed in', () => {
  it('hands a verified visitor a one-time URL that opens their tickets', async () => {
    const v = await verified('user-1', 'vera@example.org');
    expect((await v.send('Where is my parcel?')).statusCode).toBe(200);
    const res = await v.call('GET', '/portal-link');
    expect(res.statusCode, res.body).toBe(200);
    const url = res.json<{ url: string }>().url;
    expect(url).toMatch(/^https:\/\/help\.example\.com\/help\/tickets\/login\/[\w-]+\?via=chat$/);
    const path = new URL(url).pathname;
    // Handed over in the chat, not mailed: the confirm page does not talk about mail scanners.
    const confirm = await t.app.inject({ method: 'GET', url: `${path}?via=chat` });
    expect(confirm.body).toContain('data-portal="confirm"');
    expect(confirm.body).not.toContain('security scanners');
    expect((await t.app.inject({ method: 'GET', url: path })).body).toContain('security scanners');
    // One press of "Sign in" on the page the link opens, as for a mailed link.
    const { res: signed, cookie } = await followSignInLink(t.app, path);
    expect(signed.statusCode).toBe(303);
    const list = await t.app.inject({ method: 'GET', url: '/help/tickets', headers: { cookie } });
    expect(list.body).toContain('Where is my parcel?');
    expect(list.body).toContain('>Chat<');
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(410);
  });

  it('refuses a visitor whose address was only typed', async () => {
    const v = new Visitor(t);
    await v.start({ email: 'vera@example.org', name: 'Not Vera' });
    await v.send('let me in');
    const res = await v.call('GET', '/portal-link');
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('portal_needs_verified_email');
  });

  it('says so when a verified visitor has no tickets yet, and needs a visitor token', async () => {
    const v = await verified('user-2', 'new@example.org');
    const res = await v.call('GET', '/portal-link');
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('portal_no_tickets');
    const anon = new Visitor(t);
    expect((await anon.call('GET', '/portal-link')).statusCode).toBe(401);
  });
});

describe('portal without a mailbox that can send', () => {
  it('shows tickets but offers no reply form or new ticket, since nobody could answer them', async () => {
    const bare = await widgetApp({}, { server: { public_url: 'https://help.example.com' } });
    try {
      const v = new Visitor(bare);
      await v.start();
      const ok = await v.call('POST', '/identify', { id: 'u-9', hash: identityHash(IDENTITY_SECRET, 'u-9', 'nina@example.org'), email: 'nina@example.org' });
      v.token = ok.json<{ token: string }>().token;
      await v.send('Hello from chat');
      const path = new URL((await v.call('GET', '/portal-link')).json<{ url: string }>().url).pathname;
      const { cookie } = await followSignInLink(bare.app, path);
      const list = await bare.app.inject({ method: 'GET', url: '/help/tickets', headers: { cookie } });
      expect(list.body).toContain('Hello from chat');
      expect(list.body).not.toContain('href="/help/tickets/new"');
      const number = /data-ticket="(\d+)"/.exec(list.body)?.[1];
      const ticket = await bare.app.inject({ method: 'GET', url: `/help/tickets/${number}`, headers: { cookie } });
      expect(ticket.body).not.toContain('/reply"');
      expect(ticket.body).toContain('not available right now');
    } finally {
      await bare.close();
    }
  });
});
