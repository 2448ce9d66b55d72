// The public help center in Chromium with JavaScript switched off: home, search, article and a vote.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { withTestDatabase } from '../helpers/app.js';
import { createContext, type AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { createCategory } from '../../server/modules/kb/categories.js';
import { createArticle } from '../../server/modules/kb/service.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';

let ctx: AppContext;
let app: App;
let browser: Browser;
let base = '';
let dataDir = '';

const REFUND_ZH = `在 **我的订单** 中找到要退款的订单，点击「申请退款」并选择原因。

1. 打开订单详情
2. 点击「申请退款」
3. 等待审核（通常 1–3 个工作日）

退款会原路退回到您的支付账户。`;
const REFUND_EN = `Find the order in **My orders**, press *Request a refund* and pick a reason.

1. Open the order
2. Press *Request a refund*
3. Wait for the review (usually 1–3 working days)

The money goes back to the card you paid with.`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-help-'));
  const config = configFromObject(await withTestDatabase({
    data_dir: dataDir,
    log: { level: 'silent' },
    help_center: { title: 'Acme 帮助', brand_color: '#0f766e', contact_url: 'https://acme.example/contact' },
  }));
  ctx = await createContext(config, createLogger('silent', { pretty: false }));
  app = await buildApp(ctx, { webRoot: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const admin = await createAgent(ctx, { email: 'admin@example.test', name: 'Alex Admin', role: 'admin', password: 'correct horse battery' });
  const viewer = { id: admin.id, name: admin.name, role: admin.role };
  const orders = await createCategory(ctx, viewer, { name: 'Orders & refunds', slug: 'orders', names: { 'zh-CN': '订单与退款', 'zh-TW': '訂單與退款' } });
  const account = await createCategory(ctx, viewer, { name: 'Your account', slug: 'account', names: { 'zh-CN': '账号', 'zh-TW': '帳號' } });
  const en = await createArticle(ctx, viewer, { title: 'How do I request a refund?', body: REFUND_EN, locale: 'en', status: 'published', categoryId: orders.id });
  await createArticle(ctx, viewer, { title: '如何申请退款', body: REFUND_ZH, locale: 'zh-CN', status: 'published', categoryId: orders.id, translationOf: en.id, questions: ['怎么退钱'] });
  const more: Array<[string, string, 'en' | 'zh-CN', number]> = [
    ['Where is my parcel?', 'Track it from the order page.', 'en', orders.id],
    ['Change the delivery address', 'Before it ships, edit the address on the order.', 'en', orders.id],
    ['Reset your password', 'Use *Forgot password* on the sign-in page.', 'en', account.id],
    ['我的包裹到哪了？', '在订单页可以查看物流信息。', 'zh-CN', orders.id],
    ['修改收货地址', '发货前可以在订单中修改地址。', 'zh-CN', orders.id],
    ['忘记密码怎么办', '在登录页点击「忘记密码」。', 'zh-CN', account.id],
  ];
  for (const [title, body, locale, categoryId] of more) await createArticle(ctx, viewer, { title, body, locale, status: 'published', categoryId });
  await createArticle(ctx, viewer, { title: '内部草稿：退款政策调整', body: '尚未发布', locale: 'zh-CN', status: 'draft', categoryId: orders.id });
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const shots: Array<[string, 'en' | 'zh-CN', { width: number; height: number }]> = [
  ['en-desktop', 'en', { width: 1440, height: 900 }],
  ['en-phone', 'en', { width: 375, height: 812 }],
  ['zh-CN-desktop', 'zh-CN', { width: 1440, height: 900 }],
  ['zh-CN-phone', 'zh-CN', { width: 375, height: 812 }],
];

describe('help center without JavaScript', () => {
  it.each(shots)('searches, reads and votes (%s)', async (name, locale, viewport) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport, locale });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/help`);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.locator('h1').count()).toBe(1);
      await expect.poll(() => page.locator('.cards > li').count()).toBe(2);
      await page.screenshot({ path: screenshotPath(`help-home-${name}`), fullPage: true });

      await page.fill('input[name=q]', locale === 'en' ? 'refund' : '退款');
      await page.press('input[name=q]', 'Enter');
      await page.waitForURL(/\/help\/search\?/);
      const hits = page.locator('ol.hits > li a');
      expect(await hits.allTextContents()).toEqual([locale === 'en' ? 'How do I request a refund?' : '如何申请退款']);
      await page.screenshot({ path: screenshotPath(`help-search-${name}`), fullPage: true });

      await hits.first().click();
      await page.waitForURL(/\/articles\//);
      expect(await page.locator('h1').textContent()).toBe(locale === 'en' ? 'How do I request a refund?' : '如何申请退款');
      expect(await page.locator('article.body ol > li').count()).toBe(3);
      await page.screenshot({ path: screenshotPath(`help-article-${name}`), fullPage: true });

      await page.locator('#feedback button[value=yes]').click();
      await page.waitForURL(/voted=thanks/);
      expect(await page.locator('#feedback').textContent()).toBe(locale === 'en' ? 'Thanks for your feedback.' : '感谢您的反馈。');

      // The switcher leads to the translation of this article.
      const other = locale === 'en' ? 'zh-CN' : 'en';
      await page.locator(`nav.langs a[hreflang="${other}"]`).click();
      await page.waitForURL(new RegExp(`/help/${other}/articles/`));
      expect(await page.locator('html').getAttribute('lang')).toBe(other);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('hides drafts from search and shows a 404 page for them', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/help/search?q=${encodeURIComponent('退款政策')}&locale=zh-CN`);
      expect(await page.locator('ol.hits > li').count()).toBe(0);
      const res = await page.goto(`${base}/help/zh-CN/articles/${encodeURIComponent('内部草稿-退款政策调整')}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('页面不存在');
    } finally {
      await context.close();
    }
  });
});
