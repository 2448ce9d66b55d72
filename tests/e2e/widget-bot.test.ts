// The answer bot from end to end: a visitor asks 怎么申请退款 in the widget, the bot answers with the
// refund article, the visitor presses 转人工, and an agent opens the chat in the agent app and sees
// what the bot tried and that it handed over.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { answerBotOf } from '../../server/modules/bot/answer-bot.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { buildWidget } from '../helpers/widget-build.js';
import { apiAs, buildAgentApp, goTo, openTicket, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';
import { chatFrame, embedPage, hostPage, type HostPage } from './widget-setup.js';

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 375, height: 812 };
const SHOTS = '/tmp/shots-bot';

let kefu: AgentServer;
let site: HostPage;
let browser: Browser;
let widgetDir: string;
let api: ApiCall;

function shot(name: string): string {
  mkdirSync(SHOTS, { recursive: true });
  return screenshotPath(name);
}
const keep = (name: string) => copyFileSync(screenshotPath(name), path.join(SHOTS, `${name}.png`));

beforeAll(async () => {
  site = await hostPage();
  const webRoot = await buildAgentApp('widget-bot');
  widgetDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bot-widget-'));
  cpSync(await buildWidget(widgetDir), webRoot, { recursive: true });
  kefu = await startAgentServer(webRoot, {
    channels: { widget: [{ name: 'website', allowed_origins: [site.origin], offline_when_no_agent: false, title: 'Acme Support' }] },
  });
  site.set('/', embedPage(kefu.url, 'website'));
  api = await apiAs(kefu, kefu.admin.email);
  const articles: Array<Record<string, unknown>> = [
    {
      title: '如何申请退款',
      locale: 'zh-CN',
      status: 'published',
      questions: ['怎么申请退款', '怎么退钱'],
      body: '## 退款\n\n在“我的订单”里找到订单，点击“申请退款”，我们会在三个工作日内处理。\n\n退款会原路返回。',
    },
    { title: '发票怎么开', locale: 'zh-CN', status: 'published', body: '在订单详情页点击“开发票”。' },
    { title: 'How do I get a refund?', locale: 'en', status: 'published', questions: ['I want my money back'], body: 'Open your order and press **Request refund**. We answer within three working days.' },
  ];
  for (const a of articles) await api('POST', '/kb/articles', a);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
  await site?.close();
  if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
});

async function visitorAsks(locale: string, text: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: PHONE, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${site.origin}/`);
  await chatFrame(page).locator('.launcher').click();
  await chatFrame(page).locator('textarea').fill(text);
  await chatFrame(page).locator('textarea').press('Enter');
  return page;
}

/**
 * No outbox worker runs in these tests: once the bot has taken its turn on what the visitor did,
 * its lines are delivered here, until the widget shows `selector`.
 */
async function botReplies(page: Page, selector: string, text: string): Promise<void> {
  await expect
    .poll(async () => {
      await answerBotOf(kefu.ctx).idle();
      await kefu.ctx.outbox.runOnce();
      return chatFrame(page).locator(selector, { hasText: text }).count();
    })
    .toBeGreaterThan(0);
}

describe('answer bot in the widget', () => {
  it('is switched on in Settings › Channels', async () => {
    const admin = await signedInPage(browser, kefu, { context: { viewport: DESKTOP } });
    await goTo(admin, '#/admin/channels', 'kf-bot-settings form');
    const form = admin.locator('kf-bot-settings form');
    await form.locator('input[name=enabled]').check();
    await form.locator('input[name="g-zh-CN"]').fill('您好，我是智能助手。');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await api<{ bot: { enabled: boolean } }>('GET', '/bot/settings/website')).bot.enabled).toBe(true);
    await admin.screenshot({ path: shot('widget-bot-admin-1440') });
    keep('widget-bot-admin-1440');
    await admin.context().close();
  });

  it('answers 怎么申请退款 with the refund article; 转人工 hands the chat to an agent who sees the exchange', async () => {
    const visitor = await visitorAsks('zh-CN', '怎么申请退款');
    const frame = chatFrame(visitor);
    await botReplies(visitor, 'a.article', '如何申请退款');
    expect(await frame.locator('a.article').getAttribute('href')).toMatch(/\/help\/zh-CN\/articles\/[^/]+$/);
    await frame.getByText('您好，我是智能助手。', { exact: false }).waitFor();
    await frame.getByText('我们会在三个工作日内处理', { exact: false }).waitFor();
    await visitor.screenshot({ path: shot('widget-bot-zh-CN-375') });
    keep('widget-bot-zh-CN-375');

    await frame.locator('button[data-bot=human]', { hasText: '转人工' }).click();
    await botReplies(visitor, '.bubble', '正在为您转接人工客服');
    expect(await frame.locator('button[data-bot]').count()).toBe(0);
    await visitor.screenshot({ path: shot('widget-bot-handoff-zh-CN-375') });
    keep('widget-bot-handoff-zh-CN-375');
    await answerBotOf(kefu.ctx).idle();

    const row = await kefu.ctx.db.selectFrom('tickets').select(['id', 'bot_active']).where('channel_kind', '=', 'widget').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row.bot_active).toBe(0);
    const agent = await signedInPage(browser, kefu, { context: { viewport: DESKTOP } });
    await openTicket(agent, row.id);
    await agent.locator('article.msg.bot', { hasText: '如何申请退款' }).first().waitFor();
    await agent.locator('.system[data-event="bot.handoff"]', { hasText: 'Handed to a person' }).waitFor();
    await agent.screenshot({ path: shot('widget-bot-agent-1440') });
    keep('widget-bot-agent-1440');
    for (const p of [visitor, agent]) await p.context().close();
  });

  it('answers in English and closes the chat when the visitor says it solved it', async () => {
    const visitor = await visitorAsks('en-US', 'How do I get a refund?');
    const frame = chatFrame(visitor);
    await botReplies(visitor, 'a.article', 'How do I get a refund?');
    await visitor.screenshot({ path: shot('widget-bot-en-375') });
    keep('widget-bot-en-375');
    await frame.locator('button[data-bot=solved]', { hasText: 'This solved it' }).click();
    await botReplies(visitor, '.bubble', 'Glad that helped!');
    await answerBotOf(kefu.ctx).idle();
    const row = await kefu.ctx.db.selectFrom('tickets').select(['id', 'status', 'bot_deflected']).where('channel_kind', '=', 'widget').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'resolved', bot_deflected: 1 });

    const agent = await signedInPage(browser, kefu, { context: { viewport: DESKTOP } });
    await openTicket(agent, row.id);
    await agent.locator('.chip[data-bot=deflected]', { hasText: 'Bot solved' }).waitFor();
    await agent.locator('.system[data-event="bot.solved"]').waitFor();
    await agent.screenshot({ path: shot('widget-bot-agent-solved-1440') });
    keep('widget-bot-agent-solved-1440');
    for (const p of [visitor, agent]) await p.context().close();
  });
});
