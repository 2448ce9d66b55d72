import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { identityHash } from '../../../../server/channels/widget/token.js';
import { IDENTITY_SECRET, Visitor, widgetApp } from './helpers.js';

interface ContactBody {
  id: number;
  email: string | null;
  emailVerified: boolean;
  emailOwner: { id: number; name: string | null; email: string | null } | null;
  language: string | null;
  identities: Array<{ kind: string; value: string; channel?: string | null }>;
}

describe('widget identity: typed details are claims, identify() is proof', () => {
  let t: TestApp;
  let customerId: number;
  beforeAll(async () => {
    t = await widgetApp({ display_name: { en: 'Website chat', 'zh-CN': '网站聊天' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: t.admin.headers,
      payload: { name: 'Real Customer', email: 'customer@example.com' },
    });
    customerId = res.json<{ contact: { id: number } }>().contact.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const contactOf = async (visitorId: string): Promise<ContactBody> => {
    const visitor = await t.ctx.db.selectFrom('widget_visitors').selectAll().where('id', '=', visitorId).executeTakeFirstOrThrow();
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${visitor.contact_id}`, headers: t.admin.headers });
    return res.json<{ contact: ContactBody }>().contact;
  };

  it('keeps a stranger who types a customer’s address on their own contact, marked unverified, with the owner to merge into', async () => {
    const stranger = new Visitor(t);
    const session = await stranger.start({ email: 'Customer@example.com', name: 'Stranger' });
    await stranger.send('show me my orders');
    const contact = await contactOf((session.visitor as { id: string }).id);
    expect(contact.id).not.toBe(customerId);
    expect(contact.email).toBe('customer@example.com');
    expect(contact.emailVerified).toBe(false);
    expect(contact.emailOwner).toMatchObject({ id: customerId, name: 'Real Customer' });
    // The typed address is not an identity: mail from it still reaches the real customer only.
    expect(contact.identities.map((i) => i.kind)).toEqual(['widget']);
    const owner = await t.ctx.db.selectFrom('contact_identities').select('contact_id').where('kind', '=', 'email').where('value', '=', 'customer@example.com').executeTakeFirstOrThrow();
    expect(owner.contact_id).toBe(customerId);
  });

  it('lets an agent merge the unverified contact into the owner in one call', async () => {
    const visitor = new Visitor(t);
    const session = await visitor.start({ email: 'customer@example.com' });
    await visitor.send('it is really me');
    const contact = await contactOf((session.visitor as { id: string }).id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${contact.id}/merge`,
      headers: t.admin.headers,
      payload: { intoContactId: contact.emailOwner!.id },
    });
    expect(res.statusCode).toBe(200);
    const merged = res.json<{ contact: ContactBody }>().contact;
    expect(merged).toMatchObject({ id: customerId, email: 'customer@example.com', emailVerified: true, emailOwner: null });
  });

  it('still attaches a visitor verified through identify() to the contact that owns their email', async () => {
    const v = new Visitor(t);
    await v.start();
    const ok = await v.call('POST', '/identify', { id: 'cust-1', hash: identityHash(IDENTITY_SECRET, 'cust-1', 'customer@example.com'), email: 'customer@example.com' });
    expect(ok.statusCode).toBe(200);
    v.token = ok.json<{ token: string }>().token;
    await v.send('logged in');
    const contact = await contactOf(ok.json<{ visitor: { id: string } }>().visitor.id);
    expect(contact.id).toBe(customerId);
    expect(contact.emailVerified).toBe(true);
  });

  it('does not take an email as proved when the hash covers only the user id', async () => {
    const v = new Visitor(t);
    await v.start();
    const res = await v.call('POST', '/identify', { id: 'mallory', hash: identityHash(IDENTITY_SECRET, 'mallory'), email: 'customer@example.com' });
    // The id is still proved: the session goes on as that user, only the address stays a claim.
    expect(res.statusCode).toBe(200);
    const visitorId = res.json<{ visitor: { id: string } }>().visitor.id;
    const row = await t.ctx.db.selectFrom('widget_visitors').selectAll().where('id', '=', visitorId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ external_id: 'mallory', email: 'customer@example.com', email_verified: 0 });
    v.token = res.json<{ token: string }>().token;
    await v.send('show me my orders');
    const contact = await contactOf(visitorId);
    expect(contact.id).not.toBe(customerId);
    expect(contact.emailVerified).toBe(false);
  });

  it('refuses a hash over the user id and an email other than the one sent', async () => {
    const v = new Visitor(t);
    await v.start();
    const res = await v.call('POST', '/identify', {
      id: 'mallory',
      hash: identityHash(IDENTITY_SECRET, 'mallory', 'mallory@example.com'),
      email: 'customer@example.com',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('identity_hash_mismatch');
  });

  it('documents in the API docs how the host site signs the email', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, { post?: { description?: string } }> }>();
    expect(spec.paths['/api/v1/widget/{channel}/identify']?.post?.description).toContain('id + "\\n" + email');
  });

  it('turns a typed address into a verified one once identify() proves it', async () => {
    const v = new Visitor(t);
    await v.start();
    const hash = identityHash(IDENTITY_SECRET, 'fay-1');
    const first = await v.call('POST', '/identify', { id: 'fay-1', hash });
    v.token = first.json<{ token: string }>().token;
    await v.call('POST', '/session', { email: 'fay@example.com' });
    await v.send('typed my address');
    const visitorId = first.json<{ visitor: { id: string } }>().visitor.id;
    expect(await contactOf(visitorId)).toMatchObject({ email: 'fay@example.com', emailVerified: false });
    const proven = await v.call('POST', '/identify', { id: 'fay-1', hash: identityHash(IDENTITY_SECRET, 'fay-1', 'fay@example.com'), email: 'fay@example.com' });
    v.token = proven.json<{ token: string }>().token;
    await v.send('now proven');
    expect(await contactOf(visitorId)).toMatchObject({ email: 'fay@example.com', emailVerified: true });
  });

  it('records the visitor’s browser language on the contact', async () => {
    const v = new Visitor(t);
    const session = await v.start({ language: 'zh-CN' });
    expect((await v.call('POST', '/session', { language: 'fr-FR' })).statusCode).toBe(200);
    await v.send('bonjour');
    // Any browser language is kept as it came, not only the three the widget speaks.
    expect((await contactOf((session.visitor as { id: string }).id)).language).toBe('fr-FR');
  });

  it('names the widget channel of a visitor identity by its display name', async () => {
    const v = new Visitor(t);
    const session = await v.start();
    await v.send('hello');
    const contact = await contactOf((session.visitor as { id: string }).id);
    expect(contact.identities).toEqual([expect.objectContaining({ kind: 'widget', channelName: { default: 'Website chat', en: 'Website chat', 'zh-CN': '网站聊天' } })]);
  });
});

describe('widget identity without a display name', () => {
  it('leaves the name to the agent app (its own words for a website chat), never the config id', async () => {
    const t = await widgetApp();
    try {
      const v = new Visitor(t);
      const session = await v.start();
      await v.send('hello');
      const visitor = await t.ctx.db.selectFrom('widget_visitors').selectAll().where('id', '=', (session.visitor as { id: string }).id).executeTakeFirstOrThrow();
      const res = await t.app.inject({ method: 'GET', url: `/api/v1/contacts/${visitor.contact_id}`, headers: t.admin.headers });
      expect(res.json<{ contact: ContactBody }>().contact.identities).toEqual([{ kind: 'widget', value: visitor.id }]);
    } finally {
      await t.close();
    }
  });
});
