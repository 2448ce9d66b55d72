import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { screenshotPath } from '../helpers/browser.js';
import { chatFrame, embedPage, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

describe('widget in the visitor’s language, with one config fetch, in Chromium', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let browser: Browser;

  beforeAll(async () => {
    stage = await widgetStage((origin) => [
      {
        name: 'website',
        display_name: { en: 'Website chat', 'zh-CN': '网站聊天' },
        allowed_origins: [origin],
        offline_when_no_agent: false,
        brand_color: '#0f766e',
        title: { en: 'Acme Support', 'zh-CN': '顶峰户外客服', 'zh-TW': '頂峰戶外客服' },
        greeting: { en: 'Hi! Ask us anything about tents.', 'zh-CN': '您好！关于帐篷的问题都可以问我们。' },
      },
    ]);
    ({ kefu, site, browser } = stage);
    site.set('/', embedPage(kefu.url, 'website'));
  });
  afterAll(async () => stage?.close());

  const chat = chatFrame;

  async function visit(locale: string, viewport: { width: number; height: number }): Promise<{ page: Page; configFetches: () => number }> {
    const context = await browser.newContext({ locale, viewport });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    let fetches = 0;
    // Requests of the chat frame are the page's too.
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/widget/website/config')) fetches++;
    });
    await page.goto(`${site.origin}/`);
    await chat(page).locator('.launcher').click();
    await chat(page).locator('textarea').waitFor();
    return { page, configFetches: () => fetches };
  }

  it('shows a Chinese visitor the Chinese title, greeting and frame title, fetching the config once, and records their language', async () => {
    const { page, configFetches } = await visit('zh-CN', { width: 1440, height: 900 });
    await chat(page).getByText('您好！关于帐篷的问题都可以问我们。').waitFor();
    await chat(page).locator('kf-chat-header').getByText('顶峰户外客服').waitFor();
    expect(await page.locator('iframe[src*="/frame#"]').getAttribute('title')).toBe('顶峰户外客服');
    expect(configFetches()).toBe(1);
    await page.screenshot({ path: screenshotPath('widget-locale-zh-cn-1440') });

    await chat(page).locator('textarea').fill('帐篷防水吗？');
    await chat(page).locator('textarea').press('Enter');
    // Delivered: acked, so the message and its contact are committed.
    await chat(page).locator('[data-status]').first().waitFor();
    const contact = await kefu.ctx.db
      .selectFrom('contacts')
      .innerJoin('widget_visitors', 'widget_visitors.contact_id', 'contacts.id')
      .select(['contacts.language'])
      .executeTakeFirstOrThrow();
    expect(contact.language).toBe('zh-CN');
    await page.context().close();
  });

  it('shows an English visitor the English texts, on a phone too', async () => {
    const { page, configFetches } = await visit('en-US', { width: 375, height: 812 });
    await chat(page).getByText('Hi! Ask us anything about tents.').waitFor();
    expect(await page.locator('iframe[src*="/frame#"]').getAttribute('title')).toBe('Acme Support');
    expect(configFetches()).toBe(1);
    await page.screenshot({ path: screenshotPath('widget-locale-en-375') });
    await page.context().close();
  });

  it('shows a Chinese visitor on a phone the Chinese texts', async () => {
    const { page } = await visit('zh-CN', { width: 375, height: 812 });
    await chat(page).getByText('您好！关于帐篷的问题都可以问我们。').waitFor();
    await page.screenshot({ path: screenshotPath('widget-locale-zh-cn-375') });
    await page.context().close();
  });

  it('shows an English visitor on a desktop the English texts', async () => {
    const { page } = await visit('en-US', { width: 1440, height: 900 });
    await chat(page).locator('kf-chat-header').getByText('Acme Support').waitFor();
    await page.screenshot({ path: screenshotPath('widget-locale-en-1440') });
    await page.context().close();
  });
});
