import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApiChannels } from '../../../../server/channels/api/index.js';
import { hmacSha256Hex } from '../../../../server/channels/kit/hmac.js';
import type { MessageView, TicketView } from '../../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { startHttpRecorder, type HttpRecorder } from '../../../helpers/http-recorder.js';
import { as } from '../../tickets/fixtures.js';

const SECRET = 'shop-secret-0123456789';
let t: TestApp;
let callback: HttpRecorder;
let files: HttpRecorder;

beforeAll(async () => {
  callback = await startHttpRecorder();
  files = await startHttpRecorder((req) =>
    req.url === '/receipt.png' ? { status: 200, body: Buffer.alloc(800, 1), headers: { 'content-type': 'image/png' } } : { status: 200, body: Buffer.alloc(4000, 2) },
  );
  // 0.002 MB ≈ 2 KB: the 4 KB file is over the limit.
  t = await createTestApp({ attachments: { max_size_mb: 0.002 }, channels: { api: [{ name: 'shop', secret: SECRET, callback_url: `${callback.url}/hook` }] } });
  startApiChannels(t.ctx);
});
afterAll(async () => {
  await t.close();
  await callback.close();
  await files.close();
});
beforeEach(() => {
  callback.requests.length = 0;
  callback.answers.length = 0;
});

function sign(body: string, at = Math.floor(Date.now() / 1000), secret = SECRET) {
  return { 'content-type': 'application/json', 'x-kefu-timestamp': String(at), 'x-kefu-signature': `sha256=${hmacSha256Hex(secret, `${at}.${body}`)}` };
}

function post(payload: unknown, headers?: Record<string, string>, name = 'shop') {
  const body = JSON.stringify(payload);
  return t.app.inject({ method: 'POST', url: `/api/v1/channels/api/${name}/messages`, headers: headers ?? sign(body), payload: body });
}

const countMessages = async () => Number((await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('API channel: inbound', () => {
  it('stores a signed message on a new api ticket with an external identity', async () => {
    const res = await post({ messageId: 'm-1', sender: { id: 'u-1', name: 'Mia Meyer' }, text: 'Where is my order?' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ticketId: number; messageId: number; created: boolean }>();
    expect(body).toEqual({ ticketId: expect.any(Number), messageId: expect.any(Number), created: true });
    const ticket = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', body.ticketId).executeTakeFirstOrThrow();
    expect([ticket.channel_kind, ticket.channel_name, ticket.thread_key]).toEqual(['api', 'shop', 'sender:u-1']);
    const ids = await t.ctx.db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', ticket.contact_id).execute();
    expect(ids).toEqual([{ kind: 'external', value: 'shop:u-1' }]);
  });

  it('takes a body sent as application/json; charset=utf-8, verified over its exact bytes', async () => {
    const body = JSON.stringify({ messageId: 'm-charset', sender: { id: 'u-cs', name: '王芳' }, text: '你好，我的订单在哪里？' });
    const headers = { ...sign(body), 'content-type': 'application/json; charset=utf-8' };
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/channels/api/shop/messages', headers, payload: Buffer.from(body) });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('stores a repeated messageId once and says so', async () => {
    const first = await post({ messageId: 'm-dup', sender: { id: 'u-2' }, text: 'hello' });
    const before = await countMessages();
    const again = await post({ messageId: 'm-dup', sender: { id: 'u-2' }, text: 'hello' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ ...first.json<object>(), created: false });
    expect(await countMessages()).toBe(before);
  });

  it('refuses forged, missing and replayed signatures with 401 and stores nothing', async () => {
    const before = await countMessages();
    const payload = { messageId: 'm-forged', sender: { id: 'u-3' }, text: 'hi' };
    const body = JSON.stringify(payload);
    const tampered = JSON.stringify({ ...payload, text: 'hI' });
    const cases = [
      { headers: sign(body, undefined, 'not-the-secret-at-all'), code: 'invalid_signature' },
      { headers: { 'content-type': 'application/json' }, code: 'invalid_signature' },
      { headers: sign(body, Math.floor(Date.now() / 1000) - 301), code: 'stale_timestamp' },
    ];
    for (const c of cases) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/channels/api/shop/messages', headers: c.headers, payload: body });
      expect(res.statusCode).toBe(401);
      expect(res.json<{ error: { code: string } }>().error.code).toBe(c.code);
    }
    // Signed over other bytes: one changed character in the body.
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/channels/api/shop/messages', headers: sign(body), payload: tampered });
    expect(res.statusCode).toBe(401);
    expect(await countMessages()).toBe(before);
  });

  it('answers a malformed message with 400 and the reason', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ messageId: 'm-x', sender: {}, text: 'no sender id' }, /sender\.id/],
      [{ messageId: 'm-y', sender: { id: 'u' } }, /text/],
      [{ messageId: 'm-z', sender: { id: 'u', phone: 'call me' }, text: 'x' }, /sender\.phone/],
    ];
    for (const [payload, reason] of cases) {
      const res = await post(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(reason);
    }
    const notJson = await t.app.inject({ method: 'POST', url: '/api/v1/channels/api/shop/messages', headers: sign('{nope'), payload: '{nope' });
    expect(notJson.statusCode).toBe(400);
  });

  it('answers an unknown channel name with 404', async () => {
    const res = await post({ messageId: 'm-404', sender: { id: 'u' }, text: 'x' }, undefined, 'nope');
    expect(res.statusCode).toBe(404);
  });

  it('merges contacts by phone, whatever way the number was written', async () => {
    const a = await post({ messageId: 'm-p1', sender: { id: 'app-7', name: 'Lena', phone: '+49 151 1234 5678' }, text: 'first' });
    const b = await post({ messageId: 'm-p2', sender: { id: 'web-9', phone: '004915112345678', email: 'Lena@Example.com' }, text: 'second' });
    expect(b.statusCode, b.body).toBe(200);
    const contactOf = async (ticketId: number) => (await t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', ticketId).executeTakeFirstOrThrow()).contact_id;
    const contactId = await contactOf(a.json<{ ticketId: number }>().ticketId);
    expect(await contactOf(b.json<{ ticketId: number }>().ticketId)).toBe(contactId);
    const ids = await t.ctx.db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', contactId).orderBy('id').execute();
    expect(ids).toEqual([
      { kind: 'external', value: 'shop:app-7' },
      { kind: 'phone', value: '+4915112345678' },
      { kind: 'external', value: 'shop:web-9' },
      { kind: 'email', value: 'lena@example.com' },
    ]);
  });

  it('stores files by URL and lists an oversized one on the message instead of failing', async () => {
    const res = await post({
      messageId: 'm-files',
      sender: { id: 'u-f' },
      text: 'my receipt and the manual',
      attachments: [{ url: `${files.url}/receipt.png` }, { url: `${files.url}/manual.pdf`, filename: 'manual.pdf', contentType: 'application/pdf' }],
    });
    expect(res.statusCode).toBe(200);
    const detail = await as(t, t.admin).get<{ messages: MessageView[] }>(`/tickets/${res.json<{ ticketId: number }>().ticketId}`);
    const message = detail.body.messages[0];
    expect(message?.attachments.map((a) => [a.name, a.size, a.contentType])).toEqual([['receipt.png', 800, 'image/png']]);
    expect(message?.meta.skippedAttachments).toEqual([{ name: 'manual.pdf', size: 4000, reason: 'too_large' }]);
  });
});

describe('API channel: replies', () => {
  async function ticketWithReply(id: string, text: string) {
    const res = await post({ messageId: `m-${id}`, sender: { id: `cust-${id}` }, text: 'question', threadKey: `conv-${id}` });
    const ticketId = res.json<{ ticketId: number }>().ticketId;
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text });
    return { ticketId, messageId: reply.body.message.id };
  }
  const deliveryOf = async (messageId: number) =>
    t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', messageId).executeTakeFirstOrThrow();
  const dueNow = (messageId: number) => t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('message_id', '=', messageId).execute();

  it('POSTs the reply to callback_url, signed so the receiver can verify it', async () => {
    const { ticketId, messageId } = await ticketWithReply('r1', 'It ships today.');
    await t.ctx.outbox.runOnce();
    expect(callback.requests).toHaveLength(1);
    const req = callback.requests[0]!;
    expect(req.url).toBe('/hook');
    const ts = String(req.headers['x-kefu-timestamp']);
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60);
    expect(req.headers['x-kefu-signature']).toBe(`sha256=${hmacSha256Hex(SECRET, ts, '.', req.body)}`);
    expect(JSON.parse(req.body.toString())).toMatchObject({
      event: 'message.created',
      channel: 'shop',
      ticketId,
      threadKey: 'conv-r1',
      messageId,
      recipient: { id: 'cust-r1' },
      text: 'It ships today.',
      attachments: [],
    });
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'sent', delivery_error: null });
  });

  it('retries after the receiver answers 500s, then delivers once', async () => {
    callback.answers.push({ status: 500, body: 'db down' }, { status: 503 });
    const { messageId } = await ticketWithReply('r2', 'Retry me');
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'queued', delivery_error: 'callback answered 500: db down' });
    await dueNow(messageId);
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(messageId)).delivery_status).toBe('queued');
    await dueNow(messageId);
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'sent', delivery_error: null });
    expect(callback.requests.map((r) => JSON.parse(r.body.toString()).text)).toEqual(['Retry me', 'Retry me', 'Retry me']);
  });

  it('fails for good on a 4xx, with what the receiver said', async () => {
    callback.answers.push({ status: 422, body: '{"error":"unknown customer"}' });
    const { messageId } = await ticketWithReply('r3', 'Nobody home');
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'failed', delivery_error: 'callback answered 422: {"error":"unknown customer"}' });
    const row = await t.ctx.db.selectFrom('outbox').select(['status', 'attempts']).where('message_id', '=', messageId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', attempts: 1 });
  });

  it('takes the app\'s report of a reply delivered, or failed with its reason, signed like messages', async () => {
    const { messageId } = await ticketWithReply('r4', 'Shown in the app?');
    await t.ctx.outbox.runOnce();
    const report = (payload: unknown, headers?: Record<string, string>) => {
      const body = JSON.stringify(payload);
      return t.app.inject({ method: 'POST', url: '/api/v1/channels/api/shop/status', headers: headers ?? sign(body), payload: body });
    };
    expect((await report({ messageId, status: 'delivered' })).statusCode).toBe(200);
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'delivered', delivery_error: null });
    expect((await report({ messageId, status: 'failed', error: 'push token expired' })).statusCode).toBe(200);
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'failed', delivery_error: 'push token expired' });

    const forged = JSON.stringify({ messageId, status: 'delivered' });
    expect((await report({ messageId, status: 'delivered' }, sign(forged, undefined, 'another-secret-entirely'))).statusCode).toBe(401);
    expect((await report({ messageId, status: 'read' })).statusCode).toBe(400);
    // A customer's message, or one on another channel, is not the app's to report.
    const inbound = (await post({ messageId: 'm-r5', sender: { id: 'c' }, text: 'x' })).json<{ messageId: number }>().messageId;
    expect((await report({ messageId: inbound, status: 'delivered' })).statusCode).toBe(404);
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'failed', delivery_error: 'push token expired' });
  });

  it('lists api tickets by channel name', async () => {
    const res = await as(t, t.admin).get<{ items: TicketView[] }>('/tickets?channel=shop&status=all');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(new Set(res.body.items.map((i) => i.channel.name))).toEqual(new Set(['shop']));
  });

  // Last: it stops the callback receiver.
  it('keeps a reply queued while the callback cannot be reached, saying why', async () => {
    const { messageId } = await ticketWithReply('r6', 'Anyone there?');
    await callback.close();
    await t.ctx.outbox.runOnce();
    // A kept-alive connection may be found closed first; a new one is refused.
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'queued', delivery_error: expect.stringMatching(/^callback unreachable: (ECONNREFUSED|other side closed)$/) });
    await dueNow(messageId);
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(messageId)).toEqual({ delivery_status: 'queued', delivery_error: 'callback unreachable: ECONNREFUSED' });
  });
});
