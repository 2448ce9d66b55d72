import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioProbes } from '../../../../server/channels/twilio/index.js';
import { twilioSignature, verifyTwilioSignature } from '../../../../server/channels/twilio/signature.js';
import { hubSignature } from '../../../../server/channels/whatsapp/signature.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { startFakeTwilio, type FakeTwilio } from '../../../helpers/fake-twilio.js';
import { startFakeWhatsApp, type FakeWhatsApp } from '../../../helpers/fake-whatsapp.js';

const SID = `AC${'a1'.repeat(16)}`;
const TOKEN = 'twilio-auth-token';
const PUBLIC = 'https://desk.example.com';
let twilio: FakeTwilio;
let wa: FakeWhatsApp;
let t: TestApp;

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, TOKEN);
  wa = await startFakeWhatsApp();
  t = await createTestApp({
    server: { public_url: PUBLIC },
    attachments: { max_size_mb: 0.01 },
    channels: {
      twilio: [{ name: 'sms', account_sid: SID, auth_token: TOKEN, from: '+15005550006', api_base_url: twilio.baseUrl }],
      whatsapp: [{ name: 'wa', phone_number_id: '1069', access_token: wa.token, app_secret: 's3', verify_token: 'v', api_base_url: wa.baseUrl }],
    },
  });
});
afterAll(async () => {
  await t?.close();
  await twilio?.close();
  await wa?.close();
});

let seq = 0;
const nextSid = () => `SM${String(++seq).padStart(32, 'f')}`;

/** Posts form parameters to one of our Twilio webhooks, signed as Twilio would sign them. */
function postForm(path: string, params: Record<string, string>, signature?: string) {
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilioSignature(TOKEN, `${PUBLIC}${path}`, params) },
    payload: new URLSearchParams(params).toString(),
  });
}

const inbound = (from: string, body: string, extra: Record<string, string> = {}) => ({
  MessageSid: nextSid(),
  SmsSid: `SM${seq}`,
  AccountSid: SID,
  From: from,
  To: '+15005550006',
  Body: body,
  NumMedia: '0',
  NumSegments: '1',
  FromCountry: 'US',
  ApiVersion: '2010-04-01',
  ...extra,
});

async function lastInbound() {
  return t.ctx.db.selectFrom('messages').innerJoin('tickets', 'tickets.id', 'messages.ticket_id').select(['messages.id', 'messages.text', 'messages.ticket_id', 'tickets.contact_id']).where('messages.kind', '=', 'inbound').orderBy('messages.id', 'desc').executeTakeFirstOrThrow();
}

const deliveryOf = (id: number) => t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();

async function reply(ticketId: number, text: string): Promise<number> {
  const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', text } });
  expect(res.statusCode).toBe(201);
  return res.json<{ message: { id: number } }>().message.id;
}

describe('Twilio signature', () => {
  it("matches Twilio's published example and rejects a one-byte change", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(verifyTwilioSignature('12345', url, params, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(true);
    expect(verifyTwilioSignature('12345', url, { ...params, Digits: '1235' }, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=')).toBe(false);
  });

  it('refuses a forged or missing signature with 401 and stores nothing', async () => {
    const params = inbound('+14155550100', 'forged');
    const forged = await postForm('/webhooks/twilio/sms', params, twilioSignature('not-the-token', `${PUBLIC}/webhooks/twilio/sms`, params));
    expect(forged.statusCode).toBe(401);
    const missing = await t.app.inject({ method: 'POST', url: '/webhooks/twilio/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(params).toString() });
    expect(missing.statusCode).toBe(401);
    const stored = await t.ctx.db.selectFrom('messages').select('id').where('idempotency_key', '=', params.MessageSid).execute();
    expect(stored).toEqual([]);
  });

  it('answers an unknown channel with 404', async () => {
    expect((await postForm('/webhooks/twilio/nope', inbound('+14155550100', 'x'))).statusCode).toBe(404);
  });
});

describe('Twilio inbound SMS', () => {
  it('stores an SMS, answers empty TwiML, and stores a repeated delivery once', async () => {
    const params = inbound('+14155550123', 'Where is my order?');
    const first = await postForm('/webhooks/twilio/sms', params);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('text/xml');
    expect(first.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect((await postForm('/webhooks/twilio/sms', params)).statusCode).toBe(200);
    const rows = await t.ctx.db.selectFrom('messages').select(['text', 'channel_kind']).where('idempotency_key', '=', params.MessageSid).execute();
    expect(rows).toEqual([{ text: 'Where is my order?', channel_kind: 'twilio' }]);
  });

  it('keeps MMS media fetched with the account credentials, and lists one over the limit or gone as skipped', async () => {
    twilio.media.set('ME1', { body: Buffer.from('GIF89a-small'), type: 'image/gif' });
    twilio.media.set('ME2', { body: Buffer.alloc(20_000, 7), type: 'video/mp4' });
    const params = inbound('+14155550124', 'photos', {
      NumMedia: '3',
      MediaUrl2: `${twilio.baseUrl}/media/ME-deleted`,
      MediaContentType2: 'image/png',
      MediaUrl0: `${twilio.baseUrl}/media/ME1`,
      MediaContentType0: 'image/gif',
      MediaUrl1: `${twilio.baseUrl}/media/ME2`,
      MediaContentType1: 'video/mp4',
    });
    expect((await postForm('/webhooks/twilio/sms', params)).statusCode).toBe(200);
    const msg = await lastInbound();
    expect(msg.text).toBe('photos');
    const { meta } = await t.ctx.db.selectFrom('messages').select('meta').where('id', '=', msg.id).executeTakeFirstOrThrow();
    expect(JSON.parse(meta).skippedAttachments).toEqual([
      { name: 'mms-2.mp4', size: 20_000, reason: 'too_large' },
      { name: 'mms-3.png', size: 0, reason: 'unavailable', detail: 'HTTP 404' },
    ]);
    const files = await t.ctx.db.selectFrom('message_attachments').innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id').select(['name', 'content_type']).where('message_id', '=', msg.id).execute();
    expect(files).toEqual([{ name: 'mms-1.gif', content_type: 'image/gif' }]);
  });

  it('puts one person’s SMS and WhatsApp on one contact, whatever the number’s spelling', async () => {
    await postForm('/webhooks/twilio/sms', inbound('+1 (650) 555-0142', 'by sms'));
    const sms = await lastInbound();
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1069' }, contacts: [{ profile: { name: 'Pat' }, wa_id: '16505550142' }], messages: [{ from: '16505550142', id: 'wamid.merge1', timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: 'by whatsapp' } }] } }] }],
    });
    const res = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp/wa', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature('s3', body) }, payload: body });
    expect(res.statusCode).toBe(200);
    const whatsapp = await lastInbound();
    expect(whatsapp.text).toBe('by whatsapp');
    expect(whatsapp.contact_id).toBe(sms.contact_id);
    const phones = await t.ctx.db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', sms.contact_id).orderBy('kind').execute();
    expect(phones).toEqual([
      { kind: 'phone', value: '+16505550142' },
      { kind: 'whatsapp', value: '16505550142' },
    ]);
  });
});

describe('Twilio replies', () => {
  let ticketId: number;
  beforeAll(async () => {
    await postForm('/webhooks/twilio/sms', inbound('+14155550199', 'hello'));
    ticketId = (await lastInbound()).ticket_id;
  });

  it('posts the reply to the Messages API with a status callback and follows its status callbacks', async () => {
    const id = await reply(ticketId, 'Your parcel ships today.');
    await t.ctx.outbox.runOnce();
    const sent = twilio.requests.at(-1);
    expect(sent?.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(sent?.form).toEqual({ To: '+14155550199', From: '+15005550006', Body: 'Your parcel ships today.', StatusCallback: `${PUBLIC}/webhooks/twilio/sms/status` });
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    const sid = (await t.ctx.db.selectFrom('channel_message_refs').select('provider_id').where('message_id', '=', id).executeTakeFirstOrThrow()).provider_id;
    const status = (s: string, extra: Record<string, string> = {}) => postForm('/webhooks/twilio/sms/status', { MessageSid: sid, MessageStatus: s, AccountSid: SID, ...extra });
    expect((await status('sent')).statusCode).toBe(200);
    expect((await status('delivered')).statusCode).toBe(200);
    expect((await deliveryOf(id)).delivery_status).toBe('delivered');
  });

  it('shows undelivered with the ErrorCode', async () => {
    const id = await reply(ticketId, 'second');
    await t.ctx.outbox.runOnce();
    const sid = (await t.ctx.db.selectFrom('channel_message_refs').select('provider_id').where('message_id', '=', id).executeTakeFirstOrThrow()).provider_id;
    await postForm('/webhooks/twilio/sms/status', { MessageSid: sid, MessageStatus: 'undelivered', ErrorCode: '30003', AccountSid: SID });
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'failed', delivery_error: 'undelivered: error 30003' });
  });

  it('refuses a status callback with a bad signature', async () => {
    const res = await postForm('/webhooks/twilio/sms/status', { MessageSid: 'SMx', MessageStatus: 'delivered' }, 'bm90LWEtc2lnbmF0dXJl');
    expect(res.statusCode).toBe(401);
  });

  it('retries through provider 500s and sends once', async () => {
    twilio.failNext(2);
    const id = await reply(ticketId, 'retry me');
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toMatchObject({ delivery_status: 'queued', delivery_error: expect.stringContaining('500') });
    for (let i = 0; i < 2; i++) {
      await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
      await t.ctx.outbox.runOnce();
    }
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    // The fake records every attempt: two answered 500, the third accepted.
    expect(twilio.sent().filter((f) => f.Body === 'retry me')).toHaveLength(3);
  });

  it("fails at once on a 4xx, with Twilio's error text", async () => {
    twilio.rejectNext({ code: 21610, message: "Attempt to send to unsubscribed recipient" });
    const id = await reply(ticketId, 'stop?');
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'failed', delivery_error: 'Attempt to send to unsubscribed recipient (21610)' });
  });
});

describe('Twilio reply rules', () => {
  it('refuses an attachment on an SMS reply, since Twilio could not fetch it', async () => {
    await postForm('/webhooks/twilio/sms', inbound('+14155550177', 'hi'));
    const ticketId = (await lastInbound()).ticket_id;
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...t.admin.headers, 'content-type': 'multipart/form-data; boundary=XyZ' },
      payload: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n',
    });
    const attachmentId = up.json<{ attachment: { id: number } }>().attachment.id;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', text: 'see file', attachmentIds: [attachmentId] } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('sms_text_only');
  });
});

describe('Twilio readiness', () => {
  it('reports twilio:<name> ok with good credentials', async () => {
    await startTwilioProbes(t.ctx);
    const ready = (await t.app.inject({ method: 'GET', url: '/readyz' })).json<{ checks: Record<string, { status: string }> }>();
    expect(ready.checks['twilio:sms']?.status).toBe('ok');
  });

  it('reports twilio:<name> failing with a wrong token', async () => {
    const other = await createTestApp({
      channels: { twilio: [{ name: 'sms2', account_sid: SID, auth_token: 'wrong', from: '+15005550006', api_base_url: twilio.baseUrl }] },
    });
    try {
      await startTwilioProbes(other.ctx);
      const ready = (await other.app.inject({ method: 'GET', url: '/readyz' })).json<{ status: string; checks: Record<string, { status: string; message?: string }> }>();
      expect(ready.checks['twilio:sms2']).toMatchObject({ status: 'fail', message: expect.stringContaining('Authenticate (20003)') });
      expect(ready.status).toBe('degraded');
    } finally {
      await other.close();
    }
  });
});
