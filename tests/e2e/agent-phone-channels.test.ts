// WhatsApp and SMS tickets in the agent app: channel names and icons, read receipts, and the WhatsApp
// 24-hour window with its template picker, in English and Chinese, on a desktop and a phone.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { twilioSignature } from '../../server/channels/twilio/signature.js';
import { hubSignature } from '../../server/channels/whatsapp/signature.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.js';
import { startFakeWhatsApp, type FakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { buildAgentApp, goTo, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-phone';
const SID = `AC${'b2'.repeat(16)}`;
const PUBLIC = 'https://desk.example.com';
let server: AgentServer;
let wa: FakeWhatsApp;
let twilio: FakeTwilio;
let browser: Browser;
let page: Page;
let closedTicket: number;
let openTicketId: number;
let smsTicket: number;
let seq = 0;

async function whatsappInbound(from: string, name: string, text: string, secondsAgo = 0): Promise<number> {
  const id = `wamid.E2E${++seq}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1069' }, contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id, timestamp: String(Math.floor(Date.now() / 1000) - secondsAgo), type: 'text', text: { body: text } }] } }] }],
  });
  const res = await fetch(`${server.url}/webhooks/whatsapp/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature('app-secret', body) }, body });
  expect(res.status).toBe(200);
  const row = await server.ctx.db.selectFrom('messages').select('ticket_id').where('idempotency_key', '=', id).executeTakeFirstOrThrow();
  return row.ticket_id;
}

async function whatsappStatus(wamid: string, status: string): Promise<void> {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: 'W', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1069' }, statuses: [{ id: wamid, status, timestamp: '1', recipient_id: 'x' }] } }] }],
  });
  const res = await fetch(`${server.url}/webhooks/whatsapp/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': hubSignature('app-secret', body) }, body });
  expect(res.status).toBe(200);
}

async function smsInbound(from: string, text: string): Promise<number> {
  const params = { MessageSid: `SM${String(++seq).padStart(32, '0')}`, AccountSid: SID, From: from, To: '+15005550006', Body: text, NumMedia: '0' };
  const path = '/webhooks/twilio/sms-us';
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature('tw-token', `${PUBLIC}${path}`, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(res.status).toBe(200);
  const row = await server.ctx.db.selectFrom('messages').select('ticket_id').where('idempotency_key', '=', params.MessageSid).executeTakeFirstOrThrow();
  return row.ticket_id;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  wa = await startFakeWhatsApp();
  twilio = await startFakeTwilio(SID, 'tw-token');
  const webRoot = await buildAgentApp('phone-channels');
  server = await startAgentServer(webRoot, {
    server: { public_url: PUBLIC },
    channels: {
      whatsapp: [
        {
          name: 'whatsapp',
          phone_number_id: '1069',
          access_token: wa.token,
          app_secret: 'app-secret',
          verify_token: 'v',
          api_base_url: wa.baseUrl,
          templates: [
            { name: 'order_update', language: 'en_US' },
            { name: 'order_update', language: 'zh_CN' },
          ],
        },
      ],
      twilio: [{ name: 'sms-us', account_sid: SID, auth_token: 'tw-token', from: '+15005550006', api_base_url: twilio.baseUrl }],
    },
  });
  closedTicket = await whatsappInbound('5511987650001', 'Ana Lima', 'Meu pedido #4411 ainda não chegou.', 26 * 3600);
  openTicketId = await whatsappInbound('8613800138000', '王芳', '你好，我想改一下收货地址。');
  smsTicket = await smsInbound('+14155550123', 'Is the store open on Sunday?');
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  await createAgent(server.ctx, { email: 'chen@example.test', name: '陳怡君', role: 'admin', password: PASSWORD, language: 'zh-TW' });
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await wa?.close();
  await twilio?.close();
});

const windowBar = (p: Page) => p.locator('kf-composer kf-whatsapp-window .bar');

describe('WhatsApp in the composer', () => {
  it('shows a closed window, blocks free text and sends an approved template', async () => {
    await openTicket(page, closedTicket);
    await expect.poll(() => windowBar(page).getAttribute('data-window')).toBe('closed');
    expect(await windowBar(page).textContent()).toContain('only takes an approved template');
    expect(await page.locator('kf-composer button[data-action="send"]').isDisabled()).toBe(true);
    expect(await page.locator('kf-ticket-view .sub').first().textContent()).toContain('WhatsApp');
    await page.screenshot({ path: `${SHOTS}/whatsapp-closed-1440.png` });

    await page.locator('kf-whatsapp-window select').selectOption('order_update|en_US');
    await page.locator('kf-whatsapp-window button[data-action="send-template"]').click();
    await page.waitForSelector('kf-timeline article[data-kind="outbound"]');
    await server.ctx.outbox.runOnce();
    expect(wa.sent().at(-1)).toMatchObject({ to: '5511987650001', type: 'template', template: { name: 'order_update', language: { code: 'en_US' } } });

    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(() => windowBar(page).isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/whatsapp-closed-375.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows the open window and a read receipt on the reply', async () => {
    await openTicket(page, openTicketId);
    await expect.poll(() => windowBar(page).getAttribute('data-window')).toBe('open');
    expect(await windowBar(page).textContent()).toMatch(/Free-form replies open until .+ \((23|24)h left\)/);
    await page.locator('kf-composer textarea').fill('好的，请把新地址发给我。');
    await page.locator('kf-composer button[data-action="send"]').click();
    await page.waitForSelector('kf-timeline article[data-kind="outbound"]');
    await server.ctx.outbox.runOnce();
    const message = await server.ctx.db.selectFrom('messages').select('id').where('ticket_id', '=', openTicketId).where('kind', '=', 'outbound').executeTakeFirstOrThrow();
    const ref = await server.ctx.db.selectFrom('channel_message_refs').select('provider_id').where('message_id', '=', message.id).executeTakeFirstOrThrow();
    await whatsappStatus(ref.provider_id, 'delivered');
    await whatsappStatus(ref.provider_id, 'read');
    await expect.poll(() => page.locator('kf-timeline .delivery.read').count()).toBe(1);
    expect(await page.locator('kf-timeline .delivery.read').textContent()).toContain('Read');
    await page.screenshot({ path: `${SHOTS}/whatsapp-open-read-1440.png` });
    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(() => page.locator('kf-timeline .delivery.read').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/whatsapp-open-read-375.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('names SMS tickets and their channel in the list and the ticket', async () => {
    await openTicket(page, smsTicket);
    expect(await page.locator('kf-ticket-view .sub').first().textContent()).toContain('SMS · sms-us');
    expect(await page.locator('kf-composer .tabs .hint').textContent()).toContain('SMS');
    expect(await page.locator('kf-ticket-list .ch[title="SMS · sms-us"]').count()).toBe(1);
    expect(await page.locator('kf-ticket-list .ch[title="WhatsApp"]').count()).toBe(2);
    expect(await page.locator('kf-ticket-view .sub').first().textContent()).toContain('+14155550123');
    await page.screenshot({ path: `${SHOTS}/sms-1440.png` });
  });

  it('lists the WhatsApp and SMS channels in Settings with their kind', async () => {
    await goTo(page, '#/admin/channels', 'kf-admin-channels .page-body');
    await expect.poll(() => page.locator('kf-admin-channels h2').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/whatsapp\s*WhatsApp/), expect.stringMatching(/sms-us\s*SMS/)]),
    );
    expect(await page.locator('kf-admin-channels .panel.ch dd code').allTextContents()).toEqual([`${PUBLIC}/webhooks/whatsapp/whatsapp`, `${PUBLIC}/webhooks/twilio/sms-us`]);
    await page.screenshot({ path: `${SHOTS}/settings-channels-1440.png` });
  });

  it('explains the closed window in Simplified and Traditional Chinese', async () => {
    for (const [email, lang, expected] of [
      ['li@example.test', 'zh-CN', '只接受已审核的消息模板'],
      ['chen@example.test', 'zh-TW', '只接受已核准的訊息範本'],
    ] as const) {
      for (const viewport of [{ width: 1440, height: 900 }, { width: 375, height: 812 }]) {
        const zh = await signedInPage(browser, server, { email, context: { viewport } });
        await openTicket(zh, closedTicket);
        await expect.poll(() => windowBar(zh).textContent()).toContain(expected);
        await zh.screenshot({ path: `${SHOTS}/whatsapp-closed-${lang}-${viewport.width}.png` });
        await zh.context().close();
      }
    }
  });
});
