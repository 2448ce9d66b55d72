import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { identityHash, signVisitorToken } from '../../../../server/channels/widget/token.js';
import { IDENTITY_SECRET, PAGE, Visitor, widgetApp } from './helpers.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4d10000000049454e44ae426082', 'hex');

describe('widget refuses bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp({
      max_message_chars: 200,
      max_upload_mb: 0.01,
      rate_limits: { visitor_messages_per_minute: 5, ip_messages_per_minute: 1000, ip_sessions_per_minute: 1000 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const countMessages = async () => (await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('refuses a forged visitor token', async () => {
    const v = new Visitor(t);
    await v.start();
    v.token = `${v.token!.slice(0, -4)}AAAA`;
    const res = await v.call('GET', '/messages');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('visitor_token_invalid');
  });

  it('refuses an expired visitor token and one signed for another channel', async () => {
    const v = new Visitor(t);
    const session = await v.start();
    const visitorId = (session.visitor as { id: string }).id;
    v.token = signVisitorToken(t.ctx.secret, { channel: 'website', visitorId, issuedAt: Date.now() - 400 * 86_400_000 });
    const expired = await v.call('GET', '/messages');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('visitor_token_expired');
    v.token = signVisitorToken(t.ctx.secret, { channel: 'other', visitorId, issuedAt: Date.now() });
    expect((await v.call('GET', '/messages')).statusCode).toBe(401);
    v.token = signVisitorToken('not-the-instance-secret', { channel: 'website', visitorId, issuedAt: Date.now() });
    expect((await v.call('GET', '/messages')).statusCode).toBe(401);
  });

  it('refuses an identify hash that does not match, and joins one user’s chats across devices when it does', async () => {
    const laptop = new Visitor(t);
    await laptop.start();
    const wrong = await laptop.call('POST', '/identify', { id: 'user-42', hash: identityHash('some-other-secret-xxxxxx', 'user-42') });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('identity_hash_mismatch');

    const hash = identityHash(IDENTITY_SECRET, 'user-42');
    const ok = await laptop.call('POST', '/identify', { id: 'user-42', hash, email: 'grace@example.com', name: 'Grace' });
    expect(ok.statusCode).toBe(200);
    laptop.token = ok.json<{ token: string }>().token;
    await laptop.send('sent from my laptop');

    const phone = new Visitor(t);
    await phone.start();
    const again = await phone.call('POST', '/identify', { id: 'user-42', hash });
    phone.token = again.json<{ token: string }>().token;
    const history = await phone.call('GET', '/messages');
    expect(history.json<{ items: Array<{ text: string }> }>().items.map((m) => m.text)).toEqual(['sent from my laptop']);
    const identity = await t.ctx.db.selectFrom('contact_identities').selectAll().where('kind', '=', 'external').executeTakeFirst();
    expect(identity?.value).toBe('website:user-42');
  });

  it('refuses a message over the channel limit and stores nothing', async () => {
    const v = new Visitor(t);
    await v.start();
    const before = await countMessages();
    const res = await v.send('x'.repeat(201));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('message_too_long');
    expect(await countMessages()).toBe(before);
  });

  it('rate-limits a flood of messages per visitor and stores only what it accepted', async () => {
    const v = new Visitor(t);
    await v.start();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await v.send(`flood ${i}`)).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    const stored = await t.ctx.db.selectFrom('messages').select('text').where('text', 'like', 'flood %').execute();
    expect(stored).toHaveLength(5);
  });

  const upload = (v: Visitor, content: Buffer, type: string, name = 'file.bin') =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/widget/website/uploads',
      headers: { ...v.headers(), 'content-type': type, 'x-filename': name },
      payload: content,
    });

  it('accepts an image whose bytes are an image and sends it with a message', async () => {
    const v = new Visitor(t);
    await v.start();
    const res = await upload(v, PNG, 'image/png', 'dot.png');
    expect(res.statusCode).toBe(200);
    const id = res.json<{ id: string }>().id;
    const sent = await v.call('POST', '/messages', { clientId: 'with-file-1', text: '', uploadIds: [id] });
    expect(sent.statusCode).toBe(200);
    const attachment = sent.json<{ message: { attachments: Array<{ url: string; contentType: string }> } }>().message.attachments[0]!;
    expect(attachment.contentType).toBe('image/png');
    const file = await t.app.inject({ method: 'GET', url: attachment.url });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG)).toBe(true);
    const forged = await t.app.inject({ method: 'GET', url: attachment.url.replace(/sig=[0-9a-f]+/, `sig=${'0'.repeat(32)}`) });
    expect(forged.statusCode).toBe(404);
  });

  it('refuses a file whose content is not its claimed type, an unlisted type and an oversized file', async () => {
    const v = new Visitor(t);
    await v.start();
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(64)]);
    const fake = await upload(v, elf, 'image/png', 'cat.png');
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.code).toBe('file_content_mismatch');
    const html = await upload(v, Buffer.from('<script>alert(1)</script>'), 'text/html', 'x.html');
    expect(html.statusCode).toBe(400);
    expect(html.json().error.code).toBe('file_type_not_allowed');
    const big = await upload(v, Buffer.concat([PNG, Buffer.alloc(20_000)]), 'image/png', 'big.png');
    expect(big.statusCode).toBe(413);
    const kept = await t.ctx.db.selectFrom('widget_uploads').select('name').execute();
    expect(kept.map((k) => k.name)).not.toContain('cat.png');
    expect(kept.map((k) => k.name)).not.toContain('big.png');
  });

  it('keeps script tags in a message as plain text', async () => {
    const v = new Visitor(t);
    await v.start();
    const text = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const res = await v.send(text);
    expect(res.json<{ message: { text: string } }>().message.text).toBe(text);
    const row = await t.ctx.db.selectFrom('messages').select(['text', 'html']).where('text', '=', text).executeTakeFirstOrThrow();
    expect(row.html).toBeNull();
  });

  it('gives a page on a disallowed origin nothing, and lets an allowed page read the config', async () => {
    const denied = await t.app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: 'https://evil.example' } });
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    const framed = new Visitor(t, 'https://evil.example');
    expect((await framed.call('POST', '/session', {})).statusCode).toBe(403);
    const allowed = await t.app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: PAGE } });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(PAGE);
    expect(allowed.json().brandColor).toBe('#2563eb');
  });
});
