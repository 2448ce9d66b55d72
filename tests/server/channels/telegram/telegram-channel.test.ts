import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recheckTelegramBot, startTelegramChannels } from '../../../../server/channels/telegram/index.js';
import type { MessageView } from '../../../../server/modules/tickets/schemas.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { startFakeTelegram, type FakeTelegram } from '../../../helpers/fake-telegram.js';
import { as } from '../../tickets/fixtures.js';

const SECRET = 'tg-webhook-secret_1';
let t: TestApp;
let tg: FakeTelegram;
let updateId = 5000;
let messageId = 1;

beforeAll(async () => {
  tg = await startFakeTelegram();
  t = await createTestApp({
    // 0.004 MB ≈ 4 KB: the 6 KB document is over the limit.
    attachments: { max_size_mb: 0.004 },
    channels: {
      telegram: [
        { name: 'bot', bot_token: tg.token, webhook_secret: SECRET, api_base_url: tg.url },
        { name: 'broken', bot_token: '999:wrong-token', webhook_secret: SECRET, api_base_url: tg.url },
      ],
    },
  });
  startTelegramChannels(t.ctx);
});
afterAll(async () => {
  await t.close();
  await tg.close();
});
beforeEach(() => {
  tg.calls.length = 0;
});

const from = { id: 4242, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivanp', language_code: 'en' };
const chat = { id: 4242, type: 'private', first_name: 'Ivan' };

function message(fields: Record<string, unknown>, who = from) {
  return { message_id: ++messageId, from: who, chat: { ...chat, id: who.id }, date: Math.floor(Date.now() / 1000), ...fields };
}

function deliver(update: Record<string, unknown>, secret: string | null = SECRET, name = 'bot') {
  return t.app.inject({
    method: 'POST',
    url: `/webhooks/telegram/${name}`,
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    payload: JSON.stringify(update),
  });
}

const countMessages = async () => Number((await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const lastMessage = () => t.ctx.db.selectFrom('messages').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
const messagesOf = async (ticketId: number) => (await as(t, t.admin).get<{ messages: MessageView[] }>(`/tickets/${ticketId}`)).body.messages;

describe('Telegram: start-up', () => {
  it('registers the webhook with its secret token and reports each bot in /readyz', async () => {
    for (let i = 0; i < 300; i++) {
      const report = (await t.app.inject({ method: 'GET', url: '/readyz' })).json<{ checks: Record<string, { status: string }> }>();
      if (report.checks['telegram:bot']?.status === 'ok' && report.checks['telegram:broken']?.status === 'fail') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(tg.webhook).toEqual({ url: `${t.config.server.public_url}/webhooks/telegram/bot`, secret_token: SECRET });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    const report = ready.json<{ status: string; checks: Record<string, { status: string; critical: boolean; message?: string }> }>();
    expect(report.checks['telegram:bot']).toMatchObject({ status: 'ok', critical: false });
    expect(report.checks['telegram:broken']).toMatchObject({ status: 'fail', critical: false, message: 'Telegram 401: Unauthorized' });
    expect(report.status).toBe('degraded');
  });
});

describe('Telegram: health', () => {
  it('rechecks a registered bot and reports it failing, then ready again, in /readyz', async () => {
    const check = async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).json<{ checks: Record<string, { status: string; message?: string }> }>().checks['telegram:bot'];
    expect(await check()).toMatchObject({ status: 'ok' });
    tg.failNext('getMe', { status: 401, error_code: 401, description: 'Unauthorized' });
    await recheckTelegramBot(t.ctx, 'bot');
    expect(await check()).toMatchObject({ status: 'fail', message: 'Telegram 401: Unauthorized' });
    await recheckTelegramBot(t.ctx, 'bot');
    expect(await check()).toMatchObject({ status: 'ok' });
    // A bot that came back is registered again: its webhook may have been pointed elsewhere meanwhile.
    expect(tg.callsOf('setWebhook').length).toBeGreaterThan(0);
  });
});

describe('Telegram: inbound', () => {
  it('stores a text message with the Telegram user as the contact and the chat as the thread', async () => {
    const res = await deliver({ update_id: ++updateId, message: message({ text: 'Привет! My parcel is late' }) });
    expect(res.statusCode).toBe(200);
    const row = await lastMessage();
    const ticket = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', row.ticket_id).executeTakeFirstOrThrow();
    expect([ticket.channel_kind, ticket.channel_name, ticket.thread_key, row.text, row.author_name]).toEqual(['telegram', 'bot', '4242', 'Привет! My parcel is late', 'Ivan Petrov']);
    expect(JSON.parse(row.meta)).toMatchObject({ chatId: 4242, username: 'ivanp', userId: '4242' });
    const ids = await t.ctx.db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', ticket.contact_id).execute();
    expect(ids).toEqual([{ kind: 'telegram', value: '4242' }]);
    const contact = await t.ctx.db.selectFrom('contacts').select(['name', 'attributes']).where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect([contact.name, JSON.parse(contact.attributes)]).toEqual(['Ivan Petrov', { telegram_username: 'ivanp' }]);
    // The next message of the chat joins the same ticket.
    await deliver({ update_id: ++updateId, message: message({ text: 'hello?' }) });
    expect((await lastMessage()).ticket_id).toBe(ticket.id);
  });

  it('stores an update delivered three times once', async () => {
    const update = { update_id: ++updateId, message: message({ text: 'sent once, delivered thrice' }) };
    const before = await countMessages();
    for (let i = 0; i < 3; i++) expect((await deliver(update)).statusCode).toBe(200);
    expect(await countMessages()).toBe(before + 1);
  });

  it('refuses a wrong or missing secret token with 401 and stores nothing', async () => {
    const before = await countMessages();
    for (const secret of ['wrong', null, `${SECRET}x`]) {
      const res = await deliver({ update_id: ++updateId, message: message({ text: 'forged' }) }, secret);
      expect(res.statusCode).toBe(401);
    }
    expect(await countMessages()).toBe(before);
  });

  it('answers a malformed update with 400 and an unknown bot with 404', async () => {
    const bad = await deliver({ update_id: ++updateId, message: { message_id: 'x', chat: {} } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/message\.message_id/);
    expect((await deliver({ update_id: ++updateId }, SECRET, 'nobody')).statusCode).toBe(404);
  });

  it('fetches a photo (largest size), a document, a voice note and a sticker into attachments', async () => {
    const big = Buffer.alloc(3000, 3);
    tg.addFile('ph-small', Buffer.alloc(100, 1), 'photos/file_1.jpg');
    tg.addFile('ph-big', big, 'photos/file_2.jpg');
    tg.addFile('doc-1', Buffer.from('%PDF-1.4 invoice'), 'documents/file_3.pdf');
    tg.addFile('voice-1', Buffer.from('OggS voice'), 'voice/file_4.oga');
    tg.addFile('st-1', Buffer.from('RIFF....WEBP'), 'stickers/file_5.webp');
    const chatWith = { ...from, id: 777, username: 'media_user' };
    await deliver({ update_id: ++updateId, message: message({ caption: 'the box', photo: [{ file_id: 'ph-small', width: 90, height: 60, file_size: 100 }, { file_id: 'ph-big', width: 1280, height: 960, file_size: 3000 }] }, chatWith) });
    await deliver({ update_id: ++updateId, message: message({ document: { file_id: 'doc-1', file_name: 'invoice.pdf', mime_type: 'application/pdf', file_size: 16 } }, chatWith) });
    await deliver({ update_id: ++updateId, message: message({ voice: { file_id: 'voice-1', duration: 2, mime_type: 'audio/ogg' } }, chatWith) });
    await deliver({ update_id: ++updateId, message: message({ sticker: { file_id: 'st-1', emoji: '👍', is_animated: false, is_video: false } }, chatWith) });
    const messages = await messagesOf((await lastMessage()).ticket_id);
    expect(messages.map((m) => [m.text, m.attachments.map((a) => [a.name, a.contentType, a.size])])).toEqual([
      ['the box', [[expect.stringMatching(/^photo-\d+\.jpg$/), 'image/jpeg', 3000]]],
      ['', [['invoice.pdf', 'application/pdf', 16]]],
      ['', [[expect.stringMatching(/^voice-\d+\.ogg$/), 'audio/ogg', 10]]],
      ['👍', [[expect.stringMatching(/^sticker-\d+\.webp$/), 'image/webp', 12]]],
    ]);
    expect(tg.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['ph-big', 'doc-1', 'voice-1', 'st-1']);
  });

  it('gives a location, a venue, a contact card and a poll readable text', async () => {
    const who = { ...from, id: 555, username: 'places' };
    await deliver({ update_id: ++updateId, message: message({ location: { latitude: 55.7558, longitude: 37.6173 } }, who) });
    await deliver({ update_id: ++updateId, message: message({ location: { latitude: 59.9343, longitude: 30.3351 }, venue: { location: { latitude: 59.9343, longitude: 30.3351 }, title: 'Shop No. 2', address: 'Nevsky 28' } }, who) });
    await deliver({ update_id: ++updateId, message: message({ contact: { phone_number: '+79161234567', first_name: 'Anna', last_name: 'Ivanova', user_id: 99 } }, who) });
    await deliver({ update_id: ++updateId, message: message({ poll: { id: 'p1', question: 'Which size?', options: [{ text: 'S', voter_count: 0 }, { text: 'M', voter_count: 1 }], total_voter_count: 1, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } }, who) });
    const messages = await messagesOf((await lastMessage()).ticket_id);
    expect(messages.map((m) => m.text)).toEqual([
      'https://maps.google.com/?q=55.7558,37.6173',
      'Shop No. 2, Nevsky 28\nhttps://maps.google.com/?q=59.9343,30.3351',
      'Contact: Anna Ivanova, +79161234567',
      'Poll: Which size?\n- S\n- M',
    ]);
  });

  it('skips a file over the attachment limit, or over the 20 MB a bot may download, with a note and still stores the message', async () => {
    tg.addFile('doc-big', Buffer.alloc(6000, 9), 'documents/big.zip');
    const who = { ...from, id: 888 };
    const res = await deliver({ update_id: ++updateId, message: message({ caption: 'logs attached', document: { file_id: 'doc-big', file_name: 'logs.zip', mime_type: 'application/zip' } }, who) });
    expect(res.statusCode).toBe(200);
    const huge = await deliver({ update_id: ++updateId, message: message({ document: { file_id: 'doc-huge', file_name: 'video.mov', file_size: 25 * 1024 * 1024 } }, who) });
    expect(huge.statusCode).toBe(200);
    const messages = await messagesOf((await lastMessage()).ticket_id);
    expect(messages.map((m) => [m.text, m.attachments.length, m.meta.skippedAttachments])).toEqual([
      ['logs attached', 0, [{ name: 'logs.zip', size: 6000, reason: 'too_large' }]],
      ['', 0, [{ name: 'video.mov', size: 25 * 1024 * 1024, reason: 'too_large' }]],
    ]);
    // The 25 MB file was never asked for.
    expect(tg.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['doc-big']);
  });

  it('fetches the files of a redelivered update only once', async () => {
    tg.addFile('doc-retry', Buffer.from('retry me'), 'documents/retry.txt');
    const update = { update_id: ++updateId, message: message({ document: { file_id: 'doc-retry', file_name: 'retry.txt', mime_type: 'text/plain' } }, { ...from, id: 889 }) };
    for (let i = 0; i < 3; i++) expect((await deliver(update)).statusCode).toBe(200);
    expect(tg.callsOf('getFile').map((c) => c.params.file_id)).toEqual(['doc-retry']);
    const messages = await messagesOf((await lastMessage()).ticket_id);
    expect(messages.map((m) => m.attachments.map((a) => a.name))).toEqual([['retry.txt']]);
  });

  it('puts an edited message on the timeline as a line, once, without a new customer message', async () => {
    const who = { ...from, id: 999 };
    const original = message({ text: 'order 1234' }, who);
    await deliver({ update_id: ++updateId, message: original });
    const edited = { ...original, text: 'order 1243', edit_date: original.date + 30 };
    await deliver({ update_id: ++updateId, edited_message: edited });
    await deliver({ update_id: updateId, edited_message: edited });
    const messages = await messagesOf((await lastMessage()).ticket_id);
    expect(messages.map((m) => [m.kind, m.text, m.meta.event ?? null])).toEqual([
      ['inbound', 'order 1234', null],
      ['system', 'Edited a message: order 1243', 'message.edited'],
    ]);
  });
});

describe('Telegram: replies', () => {
  async function ticketOf(userId: number) {
    const who = { ...from, id: userId };
    await deliver({ update_id: ++updateId, message: message({ text: 'help' }, who) });
    return (await lastMessage()).ticket_id;
  }
  const deliveryOf = async (id: number) => t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();
  const dueNow = (id: number) => t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('message_id', '=', id).execute();

  async function upload(name: string, type: string, bytes: Buffer): Promise<number> {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const encoded = new Response(form);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...t.admin.headers, 'content-type': encoded.headers.get('content-type') ?? '' },
      payload: Buffer.from(await encoded.arrayBuffer()),
    });
    return res.json<{ attachment: { id: number } }>().attachment.id;
  }

  it('sends the text with sendMessage to the chat, and a picture with sendPhoto', async () => {
    const ticketId = await ticketOf(1001);
    const png = Buffer.from('\x89PNG\r\n\x1a\nfake-png-bytes', 'binary');
    const attachmentId = await upload('label.png', 'image/png', png);
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Here is your label', attachmentIds: [attachmentId] });
    expect(reply.status).toBe(201);
    await t.ctx.outbox.runOnce();
    expect(tg.callsOf('sendMessage').map((c) => c.params)).toEqual([{ chat_id: '1001', text: 'Here is your label' }]);
    const photo = tg.callsOf('sendPhoto')[0];
    expect(photo?.params).toEqual({ chat_id: '1001' });
    expect(photo?.files.map((f) => [f.field, f.name, f.type, f.bytes.equals(png)])).toEqual([['photo', 'label.png', 'image/png', true]]);
    expect(await deliveryOf(reply.body.message.id)).toEqual({ delivery_status: 'sent', delivery_error: null });
  });

  it('resends only the part that failed: the text is not sent twice when the photo fails once', async () => {
    const ticketId = await ticketOf(1005);
    const attachmentId = await upload('map.png', 'image/png', Buffer.from('\x89PNG\r\n\x1a\nmap', 'binary'));
    tg.failNext('sendPhoto', { status: 500 });
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Here is the map', attachmentIds: [attachmentId] });
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(reply.body.message.id)).delivery_status).toBe('queued');
    await dueNow(reply.body.message.id);
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(reply.body.message.id)).delivery_status).toBe('sent');
    expect(tg.callsOf('sendMessage').map((c) => c.params.text)).toEqual(['Here is the map']);
    expect(tg.callsOf('sendPhoto')).toHaveLength(2);
  });

  it('keeps a reply queued while Telegram answers 500, then delivers it', async () => {
    const ticketId = await ticketOf(1002);
    tg.failNext('sendMessage', { status: 500 }, { status: 502, description: 'Bad Gateway' });
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'retry please' });
    const id = reply.body.message.id;
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'queued', delivery_error: 'Telegram 500: Internal Server Error' });
    await dueNow(id);
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'queued', delivery_error: 'Telegram 502: Bad Gateway' });
    await dueNow(id);
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'sent', delivery_error: null });
    expect(tg.callsOf('sendMessage').map((c) => c.params.text)).toEqual(['retry please', 'retry please', 'retry please']);
  });

  it('waits at least as long as Telegram asks after a 429', async () => {
    const ticketId = await ticketOf(1004);
    tg.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 3600', retry_after: 3600 });
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'slow down' });
    const before = Date.now();
    await t.ctx.outbox.runOnce();
    const row = await t.ctx.db.selectFrom('outbox').select(['status', 'next_attempt_at']).where('message_id', '=', reply.body.message.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    // The outbox's own first backoff is seconds; Telegram asked for an hour.
    expect(row.next_attempt_at).toBeGreaterThanOrEqual(before + 3600_000);
    expect(await deliveryOf(reply.body.message.id)).toEqual({ delivery_status: 'queued', delivery_error: 'Telegram 429: Too Many Requests: retry after 3600' });
  });

  it('fails a reply for good when the user blocked the bot, with Telegram\'s description', async () => {
    const ticketId = await ticketOf(1003);
    tg.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    const reply = await as(t, t.admin).post<{ message: MessageView }>(`/tickets/${ticketId}/messages`, { kind: 'reply', text: 'are you there?' });
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(reply.body.message.id)).toEqual({ delivery_status: 'failed', delivery_error: 'Forbidden: bot was blocked by the user' });
    const detail = await messagesOf(ticketId);
    expect(detail.find((m) => m.id === reply.body.message.id)?.delivery).toEqual({ status: 'failed', error: 'Forbidden: bot was blocked by the user' });
  });
});

describe('Telegram: channel list', () => {
  it('shows each bot with its username and webhook state', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/channels', headers: t.admin.headers });
    const items = res.json<{ items: Array<{ kind: string; name: string; address?: string; state: { connected: boolean; lastError: string | null } | null }> }>().items;
    expect(items.filter((i) => i.kind === 'telegram')).toEqual([
      { kind: 'telegram', name: 'bot', address: '@kefu_test_bot', webhookUrl: `${t.config.server.public_url}/webhooks/telegram/bot`, state: { connected: true, lastSyncAt: null, lastError: null } },
      { kind: 'telegram', name: 'broken', webhookUrl: `${t.config.server.public_url}/webhooks/telegram/broken`, state: { connected: false, lastSyncAt: null, lastError: 'Telegram 401: Unauthorized' } },
    ]);
  });
});
