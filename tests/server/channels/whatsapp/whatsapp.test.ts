import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppProbes } from '../../../../server/channels/whatsapp/index.js';
import { hubSignature, verifyHubSignature } from '../../../../server/channels/whatsapp/signature.js';
import { setDeliveryStatus } from '../../../../server/outbox/delivery.js';
import { createTestApp, type TestApp } from '../../../helpers/app.js';
import { startFakeWhatsApp, type FakeWhatsApp } from '../../../helpers/fake-whatsapp.js';

const SECRET = 'wa-app-secret';
let fake: FakeWhatsApp;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeWhatsApp();
  t = await createTestApp({
    attachments: { max_size_mb: 0.01 },
    channels: {
      whatsapp: [
        {
          name: 'wa',
          phone_number_id: '1069',
          access_token: fake.token,
          app_secret: SECRET,
          verify_token: 'verify-me',
          api_base_url: fake.baseUrl,
          templates: [{ name: 'order_update', language: 'en_US' }],
        },
      ],
    },
  });
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
});

let seq = 0;
const unix = (msAgo = 0) => String(Math.floor((Date.now() - msAgo) / 1000));

function messagesWebhook(from: string, message: Record<string, unknown>, name = 'Ana Lima') {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550001069', phone_number_id: '1069' },
              contacts: [{ profile: { name }, wa_id: from }],
              messages: [{ from, id: `wamid.IN${++seq}`, timestamp: unix(), ...message }],
            },
          },
        ],
      },
    ],
  };
}

function statusWebhook(id: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: 'WABA1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1069' }, statuses: [{ id, status, timestamp: unix(), recipient_id: '5511987654321', ...extra }] } }] }],
  };
}

function post(body: unknown, signature?: string) {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp/wa',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? hubSignature(SECRET, raw) },
    payload: raw,
  });
}

async function messagesOf(ticketId: number) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers });
  return res.json<{
    items: Array<{ id: number; text: string; kind: string; attachments: Array<{ name: string; size: number }>; delivery: { status: string; error?: string } | null; meta: Record<string, unknown> }>;
  }>().items;
}

async function ticketOfLastMessage(): Promise<number> {
  const row = await t.ctx.db.selectFrom('messages').select('ticket_id').where('kind', '=', 'inbound').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return row.ticket_id;
}

async function reply(ticketId: number, body: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: t.admin.headers, payload: { kind: 'reply', ...body } });
}

const deliveryOf = (id: number) => t.ctx.db.selectFrom('messages').select(['delivery_status', 'delivery_error']).where('id', '=', id).executeTakeFirstOrThrow();

describe('WhatsApp webhook security', () => {
  it('signs like the reference vector and rejects a one-byte change', () => {
    const body = '{"object":"whatsapp_business_account"}';
    expect(hubSignature('appsecret', body)).toBe('sha256=f6491327cb5b041cdf4fe69b94711c7b68bb0aef719854bae676a59788a2b6b6');
    expect(verifyHubSignature('appsecret', Buffer.from(body), 'sha256=f6491327cb5b041cdf4fe69b94711c7b68bb0aef719854bae676a59788a2b6b6')).toBe(true);
    expect(verifyHubSignature('appsecret', Buffer.from(body.replace('}', ' }')), 'sha256=f6491327cb5b041cdf4fe69b94711c7b68bb0aef719854bae676a59788a2b6b6')).toBe(false);
  });

  it('answers the verification GET with the challenge only for the right verify token', async () => {
    const ok = await t.app.inject({ method: 'GET', url: '/webhooks/whatsapp/wa?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('1158201444');
    const wrong = await t.app.inject({ method: 'GET', url: '/webhooks/whatsapp/wa?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1' });
    expect(wrong.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: '/webhooks/whatsapp/other?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1' });
    expect(unknown.statusCode).toBe(404);
  });

  it('refuses a forged or missing signature with 401 and stores nothing', async () => {
    const before = await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const body = messagesWebhook('5511900000001', { type: 'text', text: { body: 'forged' } });
    expect((await post(body, hubSignature('wrong-secret', JSON.stringify(body)))).statusCode).toBe(401);
    const missing = await t.app.inject({ method: 'POST', url: '/webhooks/whatsapp/wa', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    expect(missing.statusCode).toBe(401);
    const after = await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('acknowledges, without storing, a message whose sender is not a phone number', async () => {
    const body = messagesWebhook('12', { type: 'text', text: { body: 'from nowhere' } });
    expect((await post(body)).statusCode).toBe(200);
    expect(await t.ctx.db.selectFrom('messages').select('id').where('text', '=', 'from nowhere').execute()).toEqual([]);
  });

  it('answers a signed body that is not a WhatsApp webhook with 400', async () => {
    const res = await post({ hello: 'world' });
    expect(res.statusCode).toBe(400);
  });
});

describe('WhatsApp inbound', () => {
  it('stores a text under a contact known by E.164 phone and wa_id, and a repeated delivery once', async () => {
    const body = messagesWebhook('5511987654321', { type: 'text', text: { body: 'Olá, meu pedido não chegou' } });
    expect((await post(body)).statusCode).toBe(200);
    expect((await post(body)).statusCode).toBe(200);
    const ticketId = await ticketOfLastMessage();
    const msgs = await messagesOf(ticketId);
    expect(msgs.filter((m) => m.text === 'Olá, meu pedido não chegou')).toHaveLength(1);
    const ticket = await t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirstOrThrow();
    expect(ticket.channel_kind).toBe('whatsapp');
    const identities = await t.ctx.db.selectFrom('contact_identities').select(['kind', 'value']).where('contact_id', '=', ticket.contact_id).orderBy('kind').execute();
    expect(identities).toEqual([
      { kind: 'phone', value: '+5511987654321' },
      { kind: 'whatsapp', value: '5511987654321' },
    ]);
    const contact = await t.ctx.db.selectFrom('contacts').select(['name', 'phone']).where('id', '=', ticket.contact_id).executeTakeFirstOrThrow();
    expect(contact).toEqual({ name: 'Ana Lima', phone: '+5511987654321' });
  });

  it('downloads an image with the bearer token into an attachment', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    fake.media.set('media-img-1', { body: png, mimeType: 'image/png' });
    const res = await post(messagesWebhook('5511911110000', { type: 'image', image: { id: 'media-img-1', mime_type: 'image/png', caption: 'the box' } }));
    expect(res.statusCode).toBe(200);
    const [msg] = await messagesOf(await ticketOfLastMessage());
    expect(msg?.text).toBe('the box');
    expect(msg?.attachments).toEqual([expect.objectContaining({ name: 'image-media-img-1.png', size: png.length })]);
    const download = fake.requests.find((r) => r.path === '/files/media-img-1');
    expect(download?.headers.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('keeps the message and lists a document over the attachment limit as skipped', async () => {
    fake.media.set('media-big', { body: Buffer.alloc(20_000, 1), mimeType: 'application/pdf' });
    const res = await post(messagesWebhook('5511922220000', { type: 'document', document: { id: 'media-big', mime_type: 'application/pdf', filename: 'invoice.pdf' } }));
    expect(res.statusCode).toBe(200);
    const [msg] = await messagesOf(await ticketOfLastMessage());
    expect(msg?.attachments).toEqual([]);
    expect(msg?.meta.skippedAttachments).toEqual([{ name: 'invoice.pdf', size: 20_000, reason: 'too_large' }]);
  });

  it('keeps the message and lists its media as unavailable when WhatsApp no longer has it', async () => {
    fake.expired.add('media-expired');
    const res = await post(messagesWebhook('5511922221111', { type: 'image', image: { id: 'media-expired', mime_type: 'image/jpeg', caption: 'old photo' } }));
    expect(res.statusCode).toBe(200);
    const [msg] = await messagesOf(await ticketOfLastMessage());
    expect(msg?.attachments).toEqual([]);
    expect(msg?.text).toBe('old photo');
    expect(msg?.meta.skippedAttachments).toEqual([
      { name: 'image-media-expired.jpg', size: 0, reason: 'unavailable', detail: 'Unsupported get request. Object does not exist (100)' },
    ]);
  });

  it('answers 500 when the media download fails for now, so WhatsApp delivers the message again', async () => {
    fake.media.set('media-flaky', { body: Buffer.from('x'), mimeType: 'image/png' });
    const url = fake.baseUrl;
    await fake.close();
    const body = messagesWebhook('5511922222222', { type: 'image', image: { id: 'media-flaky', mime_type: 'image/png' } });
    const down = await post(body);
    expect(down.statusCode).toBe(500);
    expect(await t.ctx.db.selectFrom('messages').select('id').where('idempotency_key', '=', body.entry[0]!.changes[0]!.value.messages[0]!.id).execute()).toEqual([]);
    fake = await startFakeWhatsApp(fake.token, Number(new URL(url).port));
    fake.media.set('media-flaky', { body: Buffer.from('x'), mimeType: 'image/png' });
    expect((await post(body)).statusCode).toBe(200);
    const [msg] = await messagesOf(await ticketOfLastMessage());
    expect(msg?.attachments).toHaveLength(1);
  });

  it('turns a location into text with a map link, and keeps audio', async () => {
    await post(messagesWebhook('5511933330000', { type: 'location', location: { latitude: -23.5505, longitude: -46.6333, name: 'Loja Centro', address: 'Rua Direita 10' } }));
    const [loc] = await messagesOf(await ticketOfLastMessage());
    expect(loc?.text).toBe('Loja Centro, Rua Direita 10\nhttps://maps.google.com/?q=-23.5505,-46.6333');
    fake.media.set('media-voice', { body: Buffer.from('OggS-voice'), mimeType: 'audio/ogg' });
    await post(messagesWebhook('5511933330000', { type: 'audio', audio: { id: 'media-voice', mime_type: 'audio/ogg' } }));
    const msgs = await messagesOf(await ticketOfLastMessage());
    expect(msgs.at(-1)?.attachments).toEqual([expect.objectContaining({ name: 'audio-media-voice.ogg' })]);
  });
});

describe('WhatsApp replies', () => {
  let ticketId: number;
  beforeAll(async () => {
    await post(messagesWebhook('5511944440000', { type: 'text', text: { body: 'Oi' } }, 'Bruno'));
    ticketId = await ticketOfLastMessage();
  });

  it('sends a text reply to the messages endpoint and follows sent → delivered → read', async () => {
    const res = await reply(ticketId, { text: 'Olá Bruno, já verificamos.' });
    expect(res.statusCode).toBe(201);
    const id = res.json<{ message: { id: number } }>().message.id;
    await t.ctx.outbox.runOnce();
    const sent = fake.sent().at(-1);
    expect(sent).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511944440000', type: 'text', text: { preview_url: false, body: 'Olá Bruno, já verificamos.' } });
    expect(fake.requests.at(-1)?.path).toBe('/v21.0/1069/messages');
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    const wamid = (await t.ctx.db.selectFrom('channel_message_refs').select('provider_id').where('message_id', '=', id).executeTakeFirstOrThrow()).provider_id;
    await post(statusWebhook(wamid, 'delivered'));
    expect((await deliveryOf(id)).delivery_status).toBe('delivered');
    await post(statusWebhook(wamid, 'read'));
    expect((await deliveryOf(id)).delivery_status).toBe('read');
    // A late 'delivered' does not undo the read receipt.
    await post(statusWebhook(wamid, 'delivered'));
    const msgs = await messagesOf(ticketId);
    expect(msgs.find((m) => m.id === id)?.delivery).toEqual({ status: 'read' });
  });

  it("never lets the outbox's own 'sent' undo a receipt that came in first", async () => {
    const res = await reply(ticketId, { text: 'race' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json<{ message: { id: number } }>().message.id;
    await setDeliveryStatus(t.ctx, id, 'read');
    await setDeliveryStatus(t.ctx, id, 'sent');
    expect((await deliveryOf(id)).delivery_status).toBe('read');
    await setDeliveryStatus(t.ctx, id, 'queued', 'retrying');
    expect((await deliveryOf(id)).delivery_status).toBe('queued');
  });

  it('shows a failed status callback with the error title and details', async () => {
    const id = (await reply(ticketId, { text: 'second' })).json<{ message: { id: number } }>().message.id;
    await t.ctx.outbox.runOnce();
    const wamid = (await t.ctx.db.selectFrom('channel_message_refs').select('provider_id').where('message_id', '=', id).executeTakeFirstOrThrow()).provider_id;
    await post(statusWebhook(wamid, 'failed', { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'Receiver is incapable of receiving this message' } }] }));
    expect(await deliveryOf(id)).toEqual({ delivery_status: 'failed', delivery_error: 'Message undeliverable: Receiver is incapable of receiving this message (131026)' });
  });

  it('keeps a reply queued through provider 500s and delivers it on a retry', async () => {
    fake.failNext(2);
    const id = (await reply(ticketId, { text: 'retry me' })).json<{ message: { id: number } }>().message.id;
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(id)).delivery_status).toBe('queued');
    for (let i = 0; i < 2; i++) {
      await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
      await t.ctx.outbox.runOnce();
    }
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    expect(fake.requests.filter((r) => r.status === 500)).toHaveLength(2);
    expect(fake.sent().filter((s) => (s.text as { body?: string } | undefined)?.body === 'retry me')).toHaveLength(1);
  });

  it("fails a reply the provider rejects at once, with WhatsApp's error text", async () => {
    fake.rejectNext({ message: '(#131030) Recipient phone number not in allowed list', code: 131030, details: 'Recipient phone number not in allowed list' });
    const id = (await reply(ticketId, { text: 'rejected' })).json<{ message: { id: number } }>().message.id;
    await t.ctx.outbox.runOnce();
    expect(await deliveryOf(id)).toEqual({
      delivery_status: 'failed',
      delivery_error: '(#131030) Recipient phone number not in allowed list (131030): Recipient phone number not in allowed list',
    });
  });

  it('on a retry after a failed upload, sends only what WhatsApp has not taken yet', async () => {
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...t.admin.headers, 'content-type': 'multipart/form-data; boundary=XyZ' },
      payload: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="label.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 label\r\n--XyZ--\r\n',
    });
    const attachmentId = up.json<{ attachment: { id: number } }>().attachment.id;
    fake.failUploadsNext(1);
    const id = (await reply(ticketId, { text: 'Here is your label', attachmentIds: [attachmentId] })).json<{ message: { id: number } }>().message.id;
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(id)).delivery_status).toBe('queued');
    await t.ctx.db.updateTable('outbox').set({ next_attempt_at: 0 }).where('status', '=', 'pending').execute();
    await t.ctx.outbox.runOnce();
    expect((await deliveryOf(id)).delivery_status).toBe('sent');
    expect(fake.sent().filter((s) => (s.text as { body?: string } | undefined)?.body === 'Here is your label')).toHaveLength(1);
    expect(fake.sent().filter((s) => (s.document as { filename?: string } | undefined)?.filename === 'label.pdf')).toHaveLength(1);
  });

  it('uploads an attachment as media and sends it as a document', async () => {
    const up = await t.app.inject({
      method: 'POST',
      url: '/api/v1/attachments',
      headers: { ...t.admin.headers, 'content-type': 'multipart/form-data; boundary=XyZ' },
      payload: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="guide.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 tiny\r\n--XyZ--\r\n',
    });
    expect(up.statusCode).toBe(201);
    const attachmentId = up.json<{ attachment: { id: number } }>().attachment.id;
    await reply(ticketId, { text: '', attachmentIds: [attachmentId] });
    await t.ctx.outbox.runOnce();
    expect(fake.requests.some((r) => r.path === '/v21.0/1069/media' && r.body.includes('%PDF-1.4 tiny'))).toBe(true);
    expect(fake.sent().at(-1)).toMatchObject({ to: '5511944440000', type: 'document', document: { filename: 'guide.pdf' } });
  });
});

describe('WhatsApp 24-hour window', () => {
  let ticketId: number;
  beforeAll(async () => {
    await post(messagesWebhook('5511955550000', { type: 'text', text: { body: 'Old question' }, timestamp: unix(25 * 3600_000) }));
    ticketId = await ticketOfLastMessage();
  });

  it('refuses free text once the customer last wrote over 24 hours ago', async () => {
    const res = await reply(ticketId, { text: 'Late answer' });
    expect(res.statusCode).toBe(409);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('whatsapp_window_closed');
    const windowRes = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}/whatsapp-window`, headers: t.admin.headers });
    expect(windowRes.json()).toMatchObject({ open: false, expiresAt: null, templates: [{ name: 'order_update', language: 'en_US' }] });
  });

  it('sends an approved template instead, and refuses one the config does not list', async () => {
    const unknown = await reply(ticketId, { text: '', template: { name: 'promo_blast', language: 'en_US' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ error: { code: string } }>().error.code).toBe('whatsapp_unknown_template');
    const res = await reply(ticketId, { text: '', template: { name: 'order_update', language: 'en_US' } });
    expect(res.statusCode).toBe(201);
    await t.ctx.outbox.runOnce();
    expect(fake.sent().at(-1)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511955550000',
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' } },
    });
  });

  it('opens again when the customer writes', async () => {
    await post(messagesWebhook('5511955550000', { type: 'text', text: { body: 'Still there?' } }));
    const windowRes = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}/whatsapp-window`, headers: t.admin.headers });
    const w = windowRes.json<{ open: boolean; expiresAt: string }>();
    expect(w.open).toBe(true);
    expect(Date.parse(w.expiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect((await reply(ticketId, { text: 'Yes!' })).statusCode).toBe(201);
  });
});

describe('WhatsApp API documentation', () => {
  it('documents the webhooks, the window route and the template field', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks/whatsapp/{name}', '/webhooks/twilio/{name}', '/webhooks/twilio/{name}/status', '/api/v1/tickets/{id}/whatsapp-window']));
    expect(JSON.stringify(doc.paths['/api/v1/tickets/{id}/messages']?.post?.requestBody)).toContain('template');
  });
});

describe('WhatsApp readiness', () => {
  it('reports whatsapp:<name> from an authenticated read, failing on a bad token', async () => {
    await startWhatsAppProbes(t.ctx);
    let ready = (await t.app.inject({ method: 'GET', url: '/readyz' })).json<{ checks: Record<string, { status: string; message?: string }> }>();
    expect(ready.checks['whatsapp:wa']?.status).toBe('ok');
    fake.token = 'rotated';
    await startWhatsAppProbes(t.ctx);
    ready = (await t.app.inject({ method: 'GET', url: '/readyz' })).json();
    expect(ready.checks['whatsapp:wa']).toMatchObject({ status: 'fail', message: expect.stringContaining('Invalid OAuth access token') });
    fake.token = 'wa-token';
  });
});
