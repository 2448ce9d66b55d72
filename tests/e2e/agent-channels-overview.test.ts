// One ticket on each kind of channel, seen together: the ticket list and Settings → Channels name every
// kind with its own icon, in English and Chinese, on a desktop and a phone.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { intake } from '../../server/intake/intake.js';
import type { ChannelKind, InboundMessage } from '../../server/intake/types.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { buildAgentApp, goTo, inboundChat, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-chanfix';
let server: AgentServer;
let browser: Browser;

/** A customer message on a webhook channel, handed to intake as that channel's adapter would. */
function inboundOn(kind: ChannelKind, name: string, sender: InboundMessage['sender'], text: string) {
  return intake(server.ctx, { channel: { kind, name }, sender, thread: { key: `${kind}-${sender.identity.value}` }, text, idempotencyKey: `overview-${kind}` });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const webRoot = await buildAgentApp('channels-overview');
  server = await startAgentServer(webRoot, {
    server: { public_url: 'https://desk.example.com' },
    channels: {
      api: [{ name: 'shop-app', secret: 'api-secret-0123456789abcdef', callback_url: 'https://shop.example.com/kefu' }],
      telegram: [{ name: 'tg-bot', bot_token: '123456:overview-token', webhook_secret: 'tg-secret', api_base_url: 'http://127.0.0.1:9' }],
      whatsapp: [{ name: 'whatsapp', phone_number_id: '1069', access_token: 'wa-token', app_secret: 'app-secret', verify_token: 'v', api_base_url: 'http://127.0.0.1:9' }],
      twilio: [{ name: 'sms-us', account_sid: `AC${'c3'.repeat(16)}`, auth_token: 'tw-token', from: '+15005550006', api_base_url: 'http://127.0.0.1:9' }],
      wechat: [{ name: 'mp', kind: 'official_account', app_id: 'wx0123456789abcdef', app_secret: 'wechat-secret', token: 'wechatToken', api_base_url: 'http://127.0.0.1:9' }],
    },
  });
  await inboundEmail(server.ctx, { email: 'olga@example.test', name: 'Olga Email' }, 'Invoice copy, please', 'Could you send the invoice again?');
  await inboundChat(server.ctx, 'v-overview', 'Wen Widget', 'Do you ship to Taipei?');
  await inboundOn('api', 'shop-app', { identity: { kind: 'external', value: 'shop-app:user-77' }, name: 'Ari App' }, 'Order 5512 shows as paid twice');
  await inboundOn('telegram', 'tg-bot', { identity: { kind: 'telegram', value: '4242' }, name: 'Ivan Telegram' }, 'Where is my parcel?');
  await inboundOn('whatsapp', 'whatsapp', { identity: { kind: 'phone', value: '+5511987650001' }, name: 'Ana WhatsApp', phone: '+5511987650001' }, 'Meu pedido chegou quebrado');
  await inboundOn('twilio', 'sms-us', { identity: { kind: 'phone', value: '+14155550123' }, phone: '+14155550123' }, 'Is the store open on Sunday?');
  await inboundOn('wechat', 'mp', { identity: { kind: 'wechat', value: 'o_overview' }, name: '微信用户小王' }, '你好，发票怎么开？');
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const SHOTS_SET = [
  ['en', 'admin@example.test', { width: 1440, height: 900 }],
  ['en', 'admin@example.test', { width: 375, height: 812 }],
  ['zh-CN', 'li@example.test', { width: 1440, height: 900 }],
  ['zh-CN', 'li@example.test', { width: 375, height: 812 }],
] as const;

const TITLES = {
  en: ['support', 'website', 'API · shop-app', 'Telegram · tg-bot', 'WhatsApp', 'SMS · sms-us', 'WeChat · mp'],
  'zh-CN': ['support', 'website', 'API · shop-app', 'Telegram · tg-bot', 'WhatsApp', '短信 · sms-us', '微信 · mp'],
};

describe('every channel kind in the agent app', () => {
  it.each(SHOTS_SET)('names each kind with its icon in the ticket list and Settings (%s, %s, %o)', async (lang, email, viewport) => {
    const page = await signedInPage(browser, server, { email, context: { viewport } });
    await goTo(page, '#/inbox/all', 'kf-ticket-list .ch');
    await expect.poll(() => page.locator('kf-ticket-list .ch').count()).toBe(7);
    const titles = await page.locator('kf-ticket-list .ch').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect([...titles].sort()).toEqual([...TITLES[lang]].sort());
    // Each kind has an icon of its own: seven tickets, seven different drawings.
    const icons = await page.locator('kf-ticket-list .ch svg').evaluateAll((els) => els.map((e) => e.innerHTML));
    expect(new Set(icons).size).toBe(7);
    // A customer known only by number gets its last digits in the avatar, not a lone '+'.
    expect((await page.locator('kf-ticket-list .avatar').allTextContents()).map((x) => x.trim())).toContain('23');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SHOTS}/list-${lang}-${viewport.width}.png` });

    await goTo(page, '#/admin/channels', 'kf-admin-channels .page-body');
    await expect.poll(() => page.locator('kf-admin-channels h2').count()).toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: `${SHOTS}/settings-${lang}-${viewport.width}.png` });
    // The channels further down, Telegram and API among them.
    await page.locator('kf-admin-channels h2').last().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/settings-${lang}-${viewport.width}-end.png` });
    // Telegram and the API channel say where messages come in, and the API channel where replies go.
    const codes = await page.locator('kf-admin-channels .panel.ch dd code').allTextContents();
    expect(codes).toEqual(
      expect.arrayContaining(['https://desk.example.com/webhooks/telegram/tg-bot', 'https://desk.example.com/api/v1/channels/api/shop-app/messages']),
    );
    const labels = await page.locator('kf-admin-channels .panel.ch dt').allTextContents();
    expect(labels).toContain(lang === 'en' ? 'Replies go to' : '回复发送到');
    // The API channel's inbound URL is where the business's own app posts, not a provider's webhook.
    expect(labels).toContain(lang === 'en' ? 'Your app posts to' : '你的应用发送消息到');
    // Each URL an admin pastes elsewhere has a copy button, as WeChat's server URL does.
    const copyable = await page.locator('kf-admin-channels .panel.ch code[data-copy="webhook-url"]').allTextContents();
    expect([...copyable].sort()).toEqual([
      'https://desk.example.com/api/v1/channels/api/shop-app/messages',
      'https://desk.example.com/webhooks/telegram/tg-bot',
      'https://desk.example.com/webhooks/twilio/sms-us',
      'https://desk.example.com/webhooks/whatsapp/whatsapp',
    ]);
    // On a phone a label sits above its value, so a long URL gets the panel's full width.
    const dt = await page.locator('kf-admin-channels [data-channel="tg-bot"] dt').first().boundingBox();
    const dd = await page.locator('kf-admin-channels [data-channel="tg-bot"] dd').first().boundingBox();
    if (!dt || !dd) throw new Error('the Telegram panel shows no details');
    if (viewport.width < 700) {
      expect(dd.y).toBeGreaterThanOrEqual(dt.y + dt.height);
      expect(dd.x).toBe(dt.x);
    } else {
      expect(dd.x).toBeGreaterThan(dt.x + dt.width);
    }
    await page.context().close();
  });
});
