// A WeChat conversation in the agent app: the push arrives signed and encrypted over real HTTP, the
// composer shows the window and WeChat's limits, a Chinese reply reaches the fake WeChat API, a
// reply beyond the window is shown as waiting, and the channels page gives the console settings.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startWechatChannels } from '../../server/channels/wechat/index.js';
import { closeWindow } from '../../server/channels/wechat/window.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { signedPush, startFakeWechat, type FakeWechat } from '../helpers/fake-wechat.js';
import { gradientPng } from '../helpers/png.js';
import { apiAs, buildAgentApp, goTo, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-wechat';
const TOKEN = 'kefuToken2026';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
let server: AgentServer;
let fake: FakeWechat;
let browser: Browser;
let ticketId: number;
let heldTicketId: number;
let msgId = 5_000_000;

async function push(fields: Record<string, string | number>): Promise<string> {
  const signed = signedPush({ token: TOKEN, encodingAesKey: AES_KEY, receiverId: fake.appId }, fields, 'safe');
  const res = await fetch(`${server.url}/webhooks/wechat/mp?${signed.query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: signed.body });
  return res.text();
}

const text = (openid: string, content: string) => ({ ToUserName: 'gh_kefu', FromUserName: openid, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: String(++msgId) });

async function ticketOf(openid: string): Promise<number> {
  const row = await server.ctx.db.selectFrom('tickets').select('id').where('thread_key', '=', `oa:${openid}`).executeTakeFirstOrThrow();
  return row.id;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  fake = await startFakeWechat();
  const webRoot = await buildAgentApp('wechat');
  server = await startAgentServer(webRoot, {
    server: { public_url: 'https://kefu.example.cn' },
    channels: { wechat: [{ name: 'mp', app_id: fake.appId, app_secret: fake.appSecret, token: TOKEN, encoding_aes_key: AES_KEY, api_base_url: fake.url }] },
  });
  startWechatChannels(server.ctx);
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });

  fake.media.set('MEDIA_PHOTO', { content: gradientPng(640, 480, [20, 160, 90], [240, 240, 240]), contentType: 'image/png' });
  expect(await push(text('oWeChatCustomer01', '你好，我上周买的保温杯漏水了，可以换一个吗？'))).toBe('success');
  expect(
    await push({ ToUserName: 'gh_kefu', FromUserName: 'oWeChatCustomer01', CreateTime: Math.floor(Date.now() / 1000), MsgType: 'image', PicUrl: 'http://mmbiz.example/1', MediaId: 'MEDIA_PHOTO', MsgId: String(++msgId) }),
  ).toBe('success');
  ticketId = await ticketOf('oWeChatCustomer01');

  await push(text('oWeChatCustomer02', '请问发票什么时候开？'));
  heldTicketId = await ticketOf('oWeChatCustomer02');
  await closeWindow(server.ctx.db, 'mp', 'oWeChatCustomer02');
  const api = await apiAs(server, server.admin.email);
  await api('POST', `/tickets/${heldTicketId}/messages`, { kind: 'reply', text: '发票已开好，请查收邮箱。' });
  await server.ctx.outbox.runOnce();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.close();
});

const strip = (p: Page) => p.locator('kf-composer kf-wechat-window .strip');

describe('WeChat in the agent app', () => {
  it('shows the window and limits, and a Chinese reply reaches WeChat', async () => {
    const page = await signedInPage(browser, server, { email: 'li@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(page, ticketId);
    await expect.poll(() => strip(page).textContent()).toMatch(/48 小时窗口：剩余 47 小时 \d+ 分钟 · 还可发送 5\/5 条/);
    expect(await strip(page).textContent()).toContain('文字最多 2048 字节');
    await page.fill('kf-composer textarea', '您好，非常抱歉！我们马上为您换一个新的保温杯。');
    await page.screenshot({ path: `${SHOTS}/composer-zh-CN-1440.png` });
    await page.click('kf-composer [data-action="send"]');
    await page.waitForSelector('kf-timeline article[data-kind="outbound"]');
    await server.ctx.outbox.runOnce();
    const sent = fake.callsTo('/cgi-bin/message/custom/send').filter((c) => c.body.touser === 'oWeChatCustomer01');
    expect(sent.map((c) => c.body.text)).toEqual([{ content: '您好，非常抱歉！我们马上为您换一个新的保温杯。' }]);
    await expect.poll(() => strip(page).textContent()).toContain('还可发送 4/5 条');
    await page.screenshot({ path: `${SHOTS}/ticket-sent-zh-CN-1440.png` });

    await page.click('kf-composer [data-action="wechat-card"]');
    await page.fill('kf-wechat-card input[name=title]', '退换货说明');
    await page.fill('kf-wechat-card input[name=url]', 'https://shop.example.cn/returns');
    await page.fill('kf-wechat-card input[name=description]', '七天无理由退换，运费由我们承担');
    await page.screenshot({ path: `${SHOTS}/link-card-zh-CN-1440.png` });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForSelector('kf-wechat-card form');
    await page.screenshot({ path: `${SHOTS}/link-card-zh-CN-375.png` });
    await page.click('kf-wechat-card button[type=submit]');
    await page.waitForSelector('kf-wechat-card', { state: 'detached' });
    await server.ctx.outbox.runOnce();
    const card = fake.callsTo('/cgi-bin/message/custom/send').filter((c) => c.body.touser === 'oWeChatCustomer01').at(-1);
    expect(card?.body).toMatchObject({ msgtype: 'news', news: { articles: [{ title: '退换货说明', url: 'https://shop.example.cn/returns' }] } });

    await page.waitForSelector('kf-composer kf-wechat-window .strip');
    await page.screenshot({ path: `${SHOTS}/composer-zh-CN-375.png` });
    await page.context().close();
  });

  it('shows a reply beyond the window as waiting for the customer, in English', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(page, heldTicketId);
    await expect.poll(() => page.locator('kf-timeline [data-delivery="held"]').textContent()).toContain('Waiting for the customer to write');
    await expect.poll(() => strip(page).textContent()).toContain('The window is closed');
    expect(await strip(page).textContent()).toContain('1 waiting');
    await page.screenshot({ path: `${SHOTS}/held-en-1440.png` });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.waitForSelector('kf-timeline [data-delivery="held"]');
    await page.screenshot({ path: `${SHOTS}/held-en-375.png` });
    await page.context().close();
  });

  it('gives the server URL and token to paste into the WeChat console', async () => {
    for (const [name, email, viewport] of [
      ['en-1440', server.admin.email, { width: 1440, height: 900 }],
      ['zh-CN-375', 'li@example.test', { width: 375, height: 812 }],
    ] as const) {
      const page = await signedInPage(browser, server, { email, context: { viewport } });
      await goTo(page, '#/admin/channels', 'kf-admin-channels .wechat');
      expect(await page.locator('kf-admin-channels .wechat [data-copy="server-url"]').textContent()).toBe('https://kefu.example.cn/webhooks/wechat/mp');
      expect(await page.locator('kf-admin-channels .wechat [data-copy="token"]').textContent()).toBe(TOKEN);
      await page.screenshot({ path: `${SHOTS}/admin-channels-${name}.png`, fullPage: true });
      await page.context().close();
    }
  });
});
