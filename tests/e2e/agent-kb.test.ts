// The knowledge base editor in the agent app: a supervisor writes an article in Chinese with an
// alternative question, previews it, publishes it, adds an English translation, and the public
// help center finds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, goTo, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;

beforeAll(async () => {
  const webRoot = await buildAgentApp('kb');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'supervisor', password: PASSWORD, language: 'zh-CN' });
  await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const BODY = '## 步骤\n\n1. 打开 **我的订单**\n2. 点击「申请退款」\n\n退款会原路退回。';

async function editorReady(page: Page) {
  await page.waitForSelector('kf-kb-editor #kb-title');
}

describe('knowledge base editor', () => {
  it('writes a Chinese article, previews, publishes, translates it, and the help center finds it', async () => {
    const page = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 1440, height: 900 } } });
    page.on('dialog', (d) => void d.accept('订单与退款'));
    await page.click('kf-sidebar a[href="#/kb"]');
    await page.waitForSelector('kf-kb .empty');
    await page.click('kf-kb a.btn.primary');
    await editorReady(page);

    await page.fill('kf-kb-editor #kb-title', '如何申请退款');
    await page.fill('kf-kb-editor #kb-body', BODY);
    await page.fill('kf-kb-editor #kb-questions', '怎么退钱\n钱能退回来吗');
    await page.selectOption('kf-kb-editor #kb-status', 'published');
    await page.click('kf-kb-editor button[aria-label="新建分类"]');
    await expect.poll(() => page.locator('kf-kb-editor #kb-category option:checked').textContent()).toBe('订单与退款');
    await expect.poll(() => page.locator('kf-kb-editor .preview h3').textContent()).toBe('步骤');
    expect(await page.locator('kf-kb-editor .preview strong').textContent()).toBe('我的订单');
    await page.click('kf-kb-editor button.btn.primary');
    await page.waitForFunction(() => /^#\/kb\/\d+$/.test(location.hash));
    await page.waitForSelector('kf-kb-editor .rev');
    await page.screenshot({ path: screenshotPath('kb-editor-zh-CN-desktop') });

    const id = Number((await page.evaluate(() => location.hash)).split('/').pop());
    const stored = (await server.app.inject({ method: 'GET', url: `/api/v1/kb/articles/${id}`, headers: await cookieOf(page) })).json<{
      article: { title: string; status: string; locale: string; questions: string[]; categoryId: number | null };
    }>().article;
    expect(stored).toMatchObject({ title: '如何申请退款', status: 'published', locale: 'zh-CN', questions: ['怎么退钱', '钱能退回来吗'] });
    expect(stored.categoryId).not.toBeNull();

    // An English translation, started from the article's side panel.
    await page.click('kf-kb-editor a.btn.sm[href*="locale=en"]');
    await editorReady(page);
    expect(await page.locator('kf-kb-editor #kb-locale').inputValue()).toBe('en');
    await page.fill('kf-kb-editor #kb-title', 'How do I get a refund?');
    await page.fill('kf-kb-editor #kb-body', 'Open **My orders** and press *Request a refund*.');
    await page.selectOption('kf-kb-editor #kb-status', 'published');
    await page.click('kf-kb-editor button.btn.primary');
    await page.waitForFunction((first) => /^#\/kb\/\d+$/.test(location.hash) && location.hash !== `#/kb/${first}`, id);
    await expect.poll(() => page.locator('kf-kb-editor .tr a').allTextContents()).toEqual(['如何申请退款']);

    // The list, filtered to Simplified Chinese.
    await goTo(page, '#/kb', 'kf-kb tbody tr');
    await page.selectOption('kf-kb select[aria-label="语言"]', 'zh-CN');
    await expect.poll(() => page.locator('kf-kb td.title').allTextContents()).toEqual(['如何申请退款']);
    await page.screenshot({ path: screenshotPath('kb-list-zh-CN-desktop') });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: screenshotPath('kb-list-zh-CN-phone') });
    await goTo(page, `#/kb/${id}`, 'kf-kb-editor .rev');
    await page.screenshot({ path: screenshotPath('kb-editor-zh-CN-phone'), fullPage: true });

    // The public help center, as a customer without JavaScript sees it.
    const customer = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const pub = await customer.newPage();
    await pub.goto(`${server.url}/help/search?q=${encodeURIComponent('怎么退钱')}&locale=zh-CN`);
    await pub.click('ol.hits a');
    expect(await pub.locator('h1').textContent()).toBe('如何申请退款');
    expect(await pub.locator('link[rel=alternate][hreflang=en]').getAttribute('href')).toMatch(/\/help\/en\/articles\/how-do-i-get-a-refund$/);
    await customer.close();
    await page.context().close();
  }, 90_000);

  it('shows agents the article read-only, in English', async () => {
    const page = await signedInPage(browser, server, { email: 'mei@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await goTo(page, '#/kb', 'kf-kb tbody tr');
    expect(await page.locator('kf-kb a.btn.primary').count()).toBe(0);
    await page.click('kf-kb td.title a >> text=How do I get a refund?');
    await editorReady(page);
    await page.waitForSelector('kf-kb-editor .preview strong');
    expect(await page.locator('kf-kb-editor #kb-title').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('kf-kb-editor button.btn.primary').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('kb-editor-en-desktop') });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: screenshotPath('kb-editor-en-phone'), fullPage: true });

    // On a phone the section is in the views sheet of the navigation bar.
    await goTo(page, '#/inbox/mine', 'kf-sidebar .tabbar');
    await page.click('kf-sidebar .tabbar button[data-tab=views]');
    await page.click('kf-sidebar nav a[href="#/kb"]');
    await page.waitForSelector('kf-kb tbody tr');
    await page.screenshot({ path: screenshotPath('kb-list-en-phone') });
    await page.context().close();
  }, 60_000);

  it('suggests the article and a canned reply in the composer, inserted with Alt+1 and a click', async () => {
    const admin = await apiAs(server, server.admin.email);
    await admin('POST', '/canned-replies', { shortcut: 'refund', title: '退款已受理', body: '{{contact.name}} 您好，您的退款申请已受理。' });
    const ticket = await inboundEmail(server.ctx, { email: 'li@example.cn', name: '李雷' }, '鞋子不合适', '你好，鞋子尺码不合适，我想申请退款，怎么操作？');
    const page = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(page, ticket.ticketId);
    const chips = page.locator('kf-composer kf-reply-suggestions button.s');
    await expect.poll(() => chips.allTextContents()).toEqual([expect.stringContaining('如何申请退款'), expect.stringContaining('退款已受理')]);
    await page.screenshot({ path: screenshotPath('kb-suggestions-zh-CN-desktop') });

    const area = page.locator('kf-composer textarea');
    await area.click();
    await page.keyboard.press('Alt+Digit1');
    await expect.poll(() => area.inputValue()).toMatch(new RegExp(`^如何申请退款: ${server.url.replace(/[.]/g, '\\.')}/help/zh-CN/articles/`));
    await area.fill('');
    await chips.nth(1).click();
    await expect.poll(() => area.inputValue()).toBe('李雷 您好，您的退款申请已受理。');
    await area.fill('');
    await chips.nth(0).click();
    await page.click('kf-reply-suggestions .pop button[data-as=text]');
    await expect.poll(() => area.inputValue()).toContain('点击「申请退款」');
    await page.setViewportSize({ width: 375, height: 812 });
    await page.screenshot({ path: screenshotPath('kb-suggestions-zh-CN-phone') });
    await page.context().close();
  }, 60_000);
});

async function cookieOf(page: Page): Promise<Record<string, string>> {
  const cookies = await page.context().cookies();
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}
