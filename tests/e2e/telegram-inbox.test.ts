// A Telegram conversation end to end: the bot's webhook (driven by a loopback fake of the Bot API) puts a
// customer's message live into an agent's inbox, and the agent's reply reaches the fake through sendMessage.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTelegramChannels } from '../../server/channels/telegram/index.js';
import { launchChromium } from '../helpers/browser.js';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram.js';
import { gradientPng } from '../helpers/png.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { buildAgentApp, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-channels';
const SECRET = 'e2e-telegram-secret';
let server: AgentServer;
let tg: FakeTelegram;
let browser: Browser;
let page: Page;
let ticketId = 0;

const ivan = { id: 5150, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivanp' };
let messageId = 10;
const update = (fields: Record<string, unknown>) => ({
  update_id: 900 + messageId,
  message: { message_id: ++messageId, from: ivan, chat: { id: ivan.id, type: 'private', first_name: 'Ivan' }, date: Math.floor(Date.now() / 1000), ...fields },
});

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tg = await startFakeTelegram();
  const webRoot = await buildAgentApp('telegram-inbox');
  server = await startAgentServer(webRoot, {
    // 0.05 MB: the customer's 80 KB log file is over the limit and shows as a note on the message.
    attachments: { max_size_mb: 0.05 },
    channels: {
      telegram: [{ name: 'shop-bot', bot_token: tg.token, webhook_secret: SECRET, api_base_url: tg.url }],
      api: [{ name: 'shop-app', secret: 'e2e-api-channel-secret', callback_url: 'https://shop.example.com/kefu/replies' }],
    },
  });
  startTelegramChannels(server.ctx);
  server.ctx.outbox.start();
  await tg.waitForCalls('setWebhook', 1);
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } }, waitForSocket: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await tg?.close();
});

describe('a Telegram conversation in the agent app', () => {
  it('shows a customer’s Telegram message live in the inbox, with the bot’s icon and name', async () => {
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    // An empty inbox says so; the message must arrive without a reload.
    await page.waitForSelector('kf-inbox .empty');
    tg.addFile('photo-1', gradientPng(640, 480, [40, 120, 200], [240, 200, 80]), 'photos/file_7.png');
    expect(await tg.deliver(update({ text: 'Hi! My order #5521 has not arrived yet.' }), { origin: server.url })).toBe(200);
    const row = page.locator('kf-ticket-list .row', { hasText: 'Ivan Petrov' });
    await row.waitFor({ timeout: 10_000 });
    ticketId = Number(await row.getAttribute('data-ticket-id'));
    expect(await row.locator('.ch').textContent()).toContain('shop-bot');
    expect(await row.locator('.ch svg').count()).toBe(1);
    // The sidebar lists the bot with the Telegram icon, though the inbox was empty when it loaded.
    const icon = async (selector: string) => page.locator(selector).first().evaluate((el) => el.querySelector('svg')?.innerHTML ?? '');
    await expect.poll(async () => icon('kf-sidebar nav a:has-text("shop-bot")')).toBe(await icon('kf-ticket-list .row .ch'));

    tg.addFile('log-1', Buffer.alloc(80 * 1024, 7), 'documents/app.log');
    await tg.deliver(update({ caption: 'This is what the tracking page shows', photo: [{ file_id: 'photo-1', width: 640, height: 480 }] }), { origin: server.url });
    await tg.deliver(update({ document: { file_id: 'log-1', file_name: 'app.log', mime_type: 'text/plain' } }), { origin: server.url });
  });

  it('sends the agent’s reply to the chat through the Bot API and shows it sent; a refusal shows Telegram’s words', async () => {
    await openTicket(page, ticketId);
    await page.waitForSelector('kf-timeline .thumb img');
    await page.waitForSelector('kf-timeline .skip[data-skipped="app.log"]');
    expect(await page.locator('kf-timeline .skip').textContent()).toContain('larger than the attachment limit');
    expect(await page.locator('kf-ticket-view .sub').first().textContent()).toContain('shop-bot');
    expect(await page.locator('kf-timeline article.inbound .via[data-channel="telegram"]').first().textContent()).toContain('shop-bot');

    expect(await page.locator('kf-composer .hint').textContent()).toBe('Sent through Telegram');
    await page.click('kf-composer textarea');
    await page.keyboard.type('Sorry about that, Ivan! It is with the courier and arrives tomorrow.');
    await page.click('kf-composer [data-action=send]');
    const [sent] = await tg.waitForCalls('sendMessage', 1);
    expect(sent?.params).toEqual({ chat_id: String(ivan.id), text: 'Sorry about that, Ivan! It is with the courier and arrives tomorrow.' });
    await page.waitForSelector('kf-timeline article.outbound .delivery[data-status="sent"]');

    tg.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await page.click('kf-composer textarea');
    await page.keyboard.type('Did it arrive?');
    await page.click('kf-composer [data-action=send]');
    const failed = page.locator('kf-timeline .delivery[data-status="failed"]');
    await failed.waitFor({ timeout: 10_000 });
    expect(await failed.textContent()).toContain('Forbidden: bot was blocked by the user');

    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: `${SHOTS}/telegram-ticket-1440.png` });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForSelector('kf-timeline .delivery[data-status="failed"]');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: `${SHOTS}/telegram-ticket-375.png` });
    await page.evaluate(() => (location.hash = '#/inbox/all'));
    await page.waitForSelector('kf-ticket-list .row');
    await page.screenshot({ path: `${SHOTS}/telegram-inbox-375.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: `${SHOTS}/telegram-inbox-1440.png` });
  });

  it('lists the bot with its username and webhook state, and the API channel, under Settings → Channels', async () => {
    await page.evaluate(() => (location.hash = '#/admin/channels'));
    const bot = page.locator('kf-admin-channels .panel.ch', { hasText: 'shop-bot' });
    await bot.waitFor();
    expect(await bot.textContent()).toContain('@kefu_test_bot');
    expect(await bot.locator('.state.ok').count()).toBe(1);
    expect(await page.locator('kf-admin-channels .panel.ch', { hasText: 'shop-app' }).textContent()).toContain('https://shop.example.com/kefu/replies');
    await page.screenshot({ path: `${SHOTS}/channels-settings-1440.png` });
  });

  it('says the same in Chinese', async () => {
    for (const [language, email, words] of [
      ['zh-CN', 'li@example.test', ['未保存：超过附件大小上限', '失败']],
      ['zh-TW', 'chen@example.test', ['未儲存：超過附件大小上限', '失敗']],
    ] as const) {
      await createAgent(server.ctx, { email, name: language, role: 'admin', password: PASSWORD, language });
      const zh = await signedInPage(browser, server, { email, context: { viewport: { width: 1440, height: 900 } } });
      await openTicket(zh, ticketId);
      await zh.waitForSelector('kf-timeline .delivery[data-status="failed"]');
      expect(await zh.locator('kf-timeline .skip').textContent()).toContain(words[0]);
      expect(await zh.locator('kf-timeline .delivery[data-status="failed"]').textContent()).toContain(words[1]);
      await zh.screenshot({ path: `${SHOTS}/telegram-ticket-${language}-1440.png` });
      await zh.context().close();
    }
  });
});
