import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wechatSignature } from '../../../../server/channels/wechat/crypto.js';
import type { TestApp } from '../../../helpers/app.js';
import { startFakeWechat, type FakeWechat } from '../../../helpers/fake-wechat.js';
import { AES_KEY, deliveryOf, drainOutbox, messagesOf, nextMsgId, officialAccount, push, reply, restartDesk, textPush, ticketsOf, TOKEN, wechatDesk } from './helpers.js';

let fake: FakeWechat;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeWechat();
  t = await wechatDesk([officialAccount(fake), officialAccount(fake, { name: 'mp-plain', encoding_aes_key: undefined })]);
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

describe('server URL verification', () => {
  it('answers the echostr verbatim when the signature is right, and 401 when not', async () => {
    const q = { timestamp: '1700000000', nonce: '123456', echostr: '8263427261' };
    const signature = wechatSignature(TOKEN, q.timestamp, q.nonce);
    const ok = await t.app.inject({ method: 'GET', url: `/webhooks/wechat/mp?${new URLSearchParams({ ...q, signature })}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('8263427261');
    const bad = await t.app.inject({ method: 'GET', url: `/webhooks/wechat/mp?${new URLSearchParams({ ...q, signature: signature.replace(/.$/, '0') })}` });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).not.toContain('8263427261');
    const unknown = await t.app.inject({ method: 'GET', url: `/webhooks/wechat/nope?${new URLSearchParams({ ...q, signature })}` });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('pushes', () => {
  it('stores a safe-mode text push as a ticket message before answering success, and opens the 48-hour window', async () => {
    const res = await push(t, fake, textPush('o_alice', '你好，我的订单还没到'));
    expect(res).toEqual({ status: 200, body: 'success' });
    const [ticket] = await ticketsOf(t, 'o_alice');
    expect(ticket?.channel_name).toBe('mp');
    const messages = await messagesOf(t, ticket?.id ?? 0);
    expect(messages.map((m) => m.text)).toEqual(['你好，我的订单还没到']);
    const identity = await t.ctx.db.selectFrom('contact_identities').selectAll().where('kind', '=', 'wechat').where('value', '=', 'o_alice').executeTakeFirst();
    expect(identity?.contact_id).toBe(ticket?.contact_id);
    const window = await t.ctx.db.selectFrom('wechat_windows').selectAll().where('user_id', '=', 'o_alice').executeTakeFirstOrThrow();
    expect(window.quota_remaining).toBe(5);
    expect(window.window_expires_at - Date.now()).toBeGreaterThan(47 * 3_600_000);
  });

  it('takes plaintext and compatible-mode pushes too', async () => {
    expect((await push(t, fake, textPush('o_plain', 'plain hello'), 'plain', 'mp-plain')).body).toBe('success');
    expect((await push(t, fake, textPush('o_compat', 'compatible hello'), 'compatible')).body).toBe('success');
    expect((await ticketsOf(t, 'o_plain'))[0]?.channel_name).toBe('mp-plain');
    const [compat] = await ticketsOf(t, 'o_compat');
    expect((await messagesOf(t, compat?.id ?? 0))[0]?.text).toBe('compatible hello');
  });

  it('fetches an image with media/get into an attachment', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('fake jpeg body')]);
    fake.media.set('MEDIA_IMG_1', { content: jpeg, contentType: 'image/jpeg' });
    const res = await push(t, fake, {
      ToUserName: 'gh_kefu',
      FromUserName: 'o_bob',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'image',
      PicUrl: 'http://mmbiz.example/pic',
      MediaId: 'MEDIA_IMG_1',
      MsgId: nextMsgId(),
    });
    expect(res.body).toBe('success');
    const [ticket] = await ticketsOf(t, 'o_bob');
    const [message] = await messagesOf(t, ticket?.id ?? 0);
    const files = await t.ctx.db
      .selectFrom('message_attachments')
      .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
      .select(['attachments.id', 'attachments.name', 'attachments.content_type', 'attachments.size'])
      .where('message_id', '=', message?.id ?? 0)
      .execute();
    expect(files).toHaveLength(1);
    expect(files[0]?.content_type).toBe('image/jpeg');
    expect(files[0]?.size).toBe(jpeg.length);
    const download = await t.app.inject({ method: 'GET', url: `/api/v1/attachments/${files[0]?.id}/${files[0]?.name}`, headers: t.admin.headers });
    expect(download.rawPayload.equals(jpeg)).toBe(true);
  });

  it('downloads a video from the address media/get gives for it', async () => {
    const mp4 = Buffer.from('0000001866747970' + '6d703432', 'hex');
    fake.media.set('MEDIA_VIDEO_1', { content: mp4, contentType: 'video/mp4' });
    const at = Math.floor(Date.now() / 1000);
    const res = await push(t, fake, { ToUserName: 'gh_kefu', FromUserName: 'o_vid', CreateTime: at, MsgType: 'video', MediaId: 'MEDIA_VIDEO_1', ThumbMediaId: 'T1', MsgId: nextMsgId() });
    expect(res.body).toBe('success');
    const [ticket] = await ticketsOf(t, 'o_vid');
    const [message] = await messagesOf(t, ticket?.id ?? 0);
    const file = await t.ctx.db
      .selectFrom('message_attachments')
      .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
      .select(['attachments.content_type', 'attachments.size'])
      .where('message_id', '=', message?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(file).toEqual({ content_type: 'video/mp4', size: mp4.length });
  });

  it('keeps an image push whose media WeChat no longer has, listing the file as unavailable', async () => {
    const msgId = nextMsgId();
    const at = Math.floor(Date.now() / 1000);
    const res = await push(t, fake, { ToUserName: 'gh_kefu', FromUserName: 'o_gone', CreateTime: at, MsgType: 'image', MediaId: 'MEDIA_GONE', MsgId: msgId });
    expect(res.body).toBe('success');
    const [ticket] = await ticketsOf(t, 'o_gone');
    const [message] = await messagesOf(t, ticket?.id ?? 0);
    expect(JSON.parse(message?.meta ?? '{}').skippedAttachments).toEqual([
      { name: `image-${msgId}.jpg`, size: 0, reason: 'unavailable', detail: expect.stringContaining('errcode 40007') },
    ]);
  });

  it('stores a push WeChat retries three times once', async () => {
    const fields = textPush('o_carol', 'retry me');
    for (let i = 0; i < 3; i++) expect((await push(t, fake, fields)).body).toBe('success');
    const [ticket] = await ticketsOf(t, 'o_carol');
    expect(await messagesOf(t, ticket?.id ?? 0)).toHaveLength(1);
  });

  it('refuses a wrong signature, a wrong AppID, entity tricks and broken XML, storing nothing', async () => {
    const count = async () => Number((await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const fields = textPush('o_mallory', 'evil');
    const { signedPush } = await import('../../../helpers/fake-wechat.js');
    const good = signedPush({ token: TOKEN, encodingAesKey: AES_KEY, receiverId: fake.appId }, fields, 'safe');
    const send = (query: string, body: string) =>
      t.app.inject({ method: 'POST', url: `/webhooks/wechat/mp?${query}`, headers: { 'content-type': 'text/xml' }, payload: body });

    const tampered = new URLSearchParams(good.query);
    tampered.set('msg_signature', (tampered.get('msg_signature') ?? '').replace(/^./, (c) => (c === 'a' ? 'b' : 'a')));
    expect((await send(tampered.toString(), good.body)).statusCode).toBe(401);

    const otherApp = signedPush({ token: TOKEN, encodingAesKey: AES_KEY, receiverId: 'wx_someone_else' }, fields, 'safe');
    const wrongApp = await send(otherApp.query, otherApp.body);
    expect(wrongApp.statusCode).toBe(401);
    expect(wrongApp.body).toBe('wrong_receiver');

    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>`;
    const ts = '1700000001';
    const nonce = '42';
    const plainQuery = new URLSearchParams({ signature: wechatSignature(TOKEN, ts, nonce), timestamp: ts, nonce }).toString();
    const laughed = await t.app.inject({ method: 'POST', url: `/webhooks/wechat/mp-plain?${plainQuery}`, headers: { 'content-type': 'text/xml' }, payload: laughs });
    expect(laughed.statusCode).toBe(400);
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><FromUserName>o_m</FromUserName><MsgType>text</MsgType><Content>&xxe;</Content><MsgId>9</MsgId></xml>`;
    expect((await t.app.inject({ method: 'POST', url: `/webhooks/wechat/mp-plain?${plainQuery}`, headers: { 'content-type': 'text/xml' }, payload: xxe })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: `/webhooks/wechat/mp-plain?${plainQuery}`, headers: { 'content-type': 'text/xml' }, payload: '<xml><Content>' })).statusCode).toBe(400);
    expect(await count()).toBe(before);
  });

  it('keeps follow and menu-click events as facts, once each, opening a 3-message minute', async () => {
    const at = Math.floor(Date.now() / 1000);
    const subscribe = { ToUserName: 'gh_kefu', FromUserName: 'o_dave', CreateTime: at, MsgType: 'event', Event: 'subscribe' };
    for (let i = 0; i < 2; i++) expect((await push(t, fake, subscribe)).body).toBe('success');
    const events = await t.ctx.db.selectFrom('wechat_events').selectAll().where('user_id', '=', 'o_dave').execute();
    expect(events.map((e) => e.event)).toEqual(['subscribe']);
    expect(await ticketsOf(t, 'o_dave')).toHaveLength(0);
    const window = await t.ctx.db.selectFrom('wechat_windows').selectAll().where('user_id', '=', 'o_dave').executeTakeFirstOrThrow();
    expect(window.quota_remaining).toBe(3);
    expect(window.window_expires_at).toBe(at * 1000 + 60_000);
    await push(t, fake, { ...subscribe, CreateTime: at + 1, Event: 'unsubscribe' });
    expect((await t.ctx.db.selectFrom('wechat_windows').selectAll().where('user_id', '=', 'o_dave').executeTakeFirstOrThrow()).quota_remaining).toBe(0);
  });

  it('puts follows, unfollows and menu taps on the open ticket as system lines, once each', async () => {
    await push(t, fake, textPush('o_fay', '在吗？'));
    const [ticket] = await ticketsOf(t, 'o_fay');
    const at = Math.floor(Date.now() / 1000);
    const base = { ToUserName: 'gh_kefu', FromUserName: 'o_fay', MsgType: 'event' };
    const click = { ...base, CreateTime: at + 1, Event: 'CLICK', EventKey: 'ORDER_STATUS' };
    for (let i = 0; i < 2; i++) expect((await push(t, fake, click)).body).toBe('success');
    await push(t, fake, { ...base, CreateTime: at + 2, Event: 'VIEW', EventKey: 'https://shop.example/orders' });
    await push(t, fake, { ...base, CreateTime: at + 3, Event: 'unsubscribe' });
    await push(t, fake, { ...base, CreateTime: at + 4, Event: 'subscribe' });
    const lines = (await messagesOf(t, ticket?.id ?? 0)).filter((m) => m.kind === 'system');
    expect(lines.map((m) => [m.text, JSON.parse(m.meta).event])).toEqual([
      ['Tapped menu: ORDER_STATUS', 'wechat.menu'],
      ['Opened menu link: https://shop.example/orders', 'wechat.menu_link'],
      ['Unfollowed the Official Account', 'wechat.unsubscribe'],
      ['Followed the Official Account', 'wechat.subscribe'],
    ]);
    // A fact, not a customer message: the ticket keeps its one inbound message and its status.
    expect((await messagesOf(t, ticket?.id ?? 0)).filter((m) => m.kind === 'inbound')).toHaveLength(1);
  });
});

describe('replies', () => {
  it('sends a Chinese reply through custom/send, and an image by uploading it first', async () => {
    await push(t, fake, textPush('o_erin', '请问可以退货吗？'));
    const [ticket] = await ticketsOf(t, 'o_erin');
    const id = await reply(t, ticket?.id ?? 0, '可以的，请在七天内寄回。');
    await drainOutbox(t);
    const sent = fake.callsTo('/cgi-bin/message/custom/send').filter((c) => c.body.touser === 'o_erin');
    expect(sent.map((c) => c.body)).toEqual([{ touser: 'o_erin', msgtype: 'text', text: { content: '可以的，请在七天内寄回。' } }]);
    expect((await deliveryOf(t, id)).delivery_status).toBe('sent');

    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), 'label.png');
    const upload = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', headers: t.admin.headers, payload: form });
    expect(upload.statusCode).toBe(201);
    const imageReply = await reply(t, ticket?.id ?? 0, '', { attachmentIds: [upload.json<{ attachment: { id: number } }>().attachment.id] });
    await drainOutbox(t);
    const uploads = fake.callsTo('/cgi-bin/media/upload');
    expect(uploads.at(-1)?.query.get('type')).toBe('image');
    expect(uploads.at(-1)?.raw.includes(png)).toBe(true);
    const image = fake.callsTo('/cgi-bin/message/custom/send').at(-1);
    expect(image?.body).toMatchObject({ touser: 'o_erin', msgtype: 'image', image: { media_id: expect.stringMatching(/^MEDIA_/) } });
    expect((await deliveryOf(t, imageReply)).delivery_status).toBe('sent');
  });

  it('sends a link card as one news message', async () => {
    await push(t, fake, textPush('o_kate', '有退货说明吗？'));
    const [ticket] = await ticketsOf(t, 'o_kate');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/channels/wechat/link-card',
      headers: t.admin.headers,
      payload: { ticketId: ticket?.id, title: '退货说明', description: '七天无理由退货', url: 'https://shop.example.cn/returns', picUrl: 'https://shop.example.cn/r.png' },
    });
    expect(res.statusCode).toBe(201);
    await drainOutbox(t);
    const sent = fake.callsTo('/cgi-bin/message/custom/send').filter((c) => c.body.touser === 'o_kate');
    expect(sent.map((c) => c.body)).toEqual([
      {
        touser: 'o_kate',
        msgtype: 'news',
        news: { articles: [{ title: '退货说明', description: '七天无理由退货', url: 'https://shop.example.cn/returns', picurl: 'https://shop.example.cn/r.png' }] },
      },
    ]);
    const message = await t.ctx.db.selectFrom('messages').select(['text', 'delivery_status']).where('id', '=', res.json<{ messageId: number }>().messageId).executeTakeFirstOrThrow();
    expect(message).toEqual({ text: '退货说明\n七天无理由退货\nhttps://shop.example.cn/returns', delivery_status: 'sent' });
  });

  it('fetches a new token once and sends again when WeChat answers 40001', async () => {
    await push(t, fake, textPush('o_frank', 'token test'));
    const [ticket] = await ticketsOf(t, 'o_frank');
    const a = await reply(t, ticket?.id ?? 0, 'first');
    const b = await reply(t, ticket?.id ?? 0, 'second');
    fake.revokeTokens();
    const before = fake.tokenCalls;
    await drainOutbox(t);
    // Two sends met the revoked token at the same time: one new token between them.
    expect(fake.tokenCalls - before).toBe(1);
    expect((await deliveryOf(t, a)).delivery_status).toBe('sent');
    expect((await deliveryOf(t, b)).delivery_status).toBe('sent');
  });

  it('holds the sixth reply of a window until the customer writes again, then sends it', async () => {
    await push(t, fake, textPush('o_gina', 'quota test'));
    const [ticket] = await ticketsOf(t, 'o_gina');
    const ids: number[] = [];
    for (let i = 1; i <= 6; i++) ids.push(await reply(t, ticket?.id ?? 0, `reply ${i}`));
    await drainOutbox(t);
    const toGina = () => fake.callsTo('/cgi-bin/message/custom/send').filter((c) => c.body.touser === 'o_gina');
    expect(toGina()).toHaveLength(5);
    const held = await deliveryOf(t, ids[5] ?? 0);
    expect(held.delivery_status).toBe('queued');
    expect(held.delivery_error).toMatch(/^held_for_customer/);
    const windowRes = await t.app.inject({ method: 'GET', url: `/api/v1/channels/wechat/window?ticketId=${ticket?.id}`, headers: t.admin.headers });
    expect(windowRes.json()).toMatchObject({ window: { remaining: 0, open: false, openedBy: 'message' }, held: 1, limits: { textBytes: 2048 } });
    const outbox = await t.ctx.db.selectFrom('outbox').select(['status', 'attempts']).where('message_id', '=', ids[5] ?? 0).executeTakeFirstOrThrow();
    expect(outbox).toEqual({ status: 'pending', attempts: 0 });

    await push(t, fake, textPush('o_gina', 'still there?'));
    await drainOutbox(t);
    expect(toGina()).toHaveLength(6);
    expect(toGina().at(-1)?.body).toMatchObject({ text: { content: 'reply 6' } });
    expect((await deliveryOf(t, ids[5] ?? 0)).delivery_status).toBe('sent');
  });

  it('holds a reply WeChat refuses with 45015 instead of failing it', async () => {
    await push(t, fake, textPush('o_hank', 'window test'));
    const [ticket] = await ticketsOf(t, 'o_hank');
    fake.failNext('/cgi-bin/message/custom/send', 45015);
    const id = await reply(t, ticket?.id ?? 0, 'are you there?');
    await drainOutbox(t);
    const d = await deliveryOf(t, id);
    expect(d.delivery_status).toBe('queued');
    expect(d.delivery_error).toMatch(/^held_for_customer.*45015/);
  });

  it('fails a reply plainly on an errcode that retrying cannot fix, naming it', async () => {
    await push(t, fake, textPush('o_ivy', 'perm test'));
    const [ticket] = await ticketsOf(t, 'o_ivy');
    fake.failNext('/cgi-bin/message/custom/send', 48001);
    const id = await reply(t, ticket?.id ?? 0, 'hello');
    await drainOutbox(t);
    const d = await deliveryOf(t, id);
    expect(d.delivery_status).toBe('failed');
    expect(d.delivery_error).toMatch(/^WeChat errcode 48001/);
  });
});

describe('admin', () => {
  it('lists each WeChat channel with the server URL and token to paste into the console', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/channels', headers: t.admin.headers });
    const items = res.json<{ items: Array<Record<string, unknown>> }>().items.filter((c) => c.kind === 'wechat');
    expect(items.map((c) => [c.name, c.serverUrl, c.token, c.encrypted])).toEqual([
      ['mp', `${t.config.server.public_url}/webhooks/wechat/mp`, TOKEN, true],
      ['mp-plain', `${t.config.server.public_url}/webhooks/wechat/mp-plain`, TOKEN, false],
    ]);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tickets?channel=mp-plain', headers: t.admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: Array<{ channel: { name: string } }> }>().items.map((x) => x.channel.name)).toEqual(['mp-plain']);
  });
});

describe('restart', () => {
  it('loses nothing when Kefu restarts mid-conversation, and reuses the stored token', async () => {
    await push(t, fake, textPush('o_jack', '第一条'));
    const [ticket] = await ticketsOf(t, 'o_jack');
    const queued = await reply(t, ticket?.id ?? 0, '马上处理');
    t = await restartDesk(t);
    const tokensBefore = fake.tokenCalls;
    await push(t, fake, textPush('o_jack', '第二条'));
    await drainOutbox(t);
    const after = await ticketsOf(t, 'o_jack');
    expect(after.map((x) => x.id)).toEqual([ticket?.id]);
    expect((await messagesOf(t, ticket?.id ?? 0)).map((m) => m.text)).toEqual(['第一条', '马上处理', '第二条']);
    expect((await deliveryOf(t, queued)).delivery_status).toBe('sent');
    expect(fake.tokenCalls).toBe(tokensBefore);
  });
});
