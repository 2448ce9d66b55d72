// Search in Chromium: the popup's grouped hits and its way to every result, and the full results
// view with its filters, paging as the list scrolls and keyboard moves, in English and Chinese.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { intake } from '../../server/intake/intake.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, inboundChat, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

const SHOTS = '/tmp/shots-search';
const MANY = 40;

let server: AgentServer;
let browser: Browser;
let api: ApiCall;
let target: number;
let twoMessages: number;
let resolved: number;

async function go(p: Page, hash: string, ready: string) {
  await p.evaluate((h) => (location.hash = h), hash);
  await p.waitForSelector(ready);
}

const hitNumbers = (p: Page, host: string) =>
  p.locator(`${host} a.hit:not(.contact) .num`).evaluateAll((els) => els.map((e) => Number(e.textContent?.replace('#', ''))));

const numberOf = async (id: number) => (await api<{ ticket: { number: number } }>('GET', `/tickets/${id}`)).ticket.number;

async function openPopup(p: Page, q: string) {
  await p.keyboard.press('/');
  await p.fill('kf-search input', q);
  await p.waitForSelector('kf-search a.hit .meta');
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('search');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  // The one the admin needs: an open ticket of theirs, one mention in a long message, matched first.
  const long = `您好，上个月我们公司采购了一批办公用品，${'清单和数量都已经核对过了，'.repeat(8)}但是还没有收到发票，麻烦尽快处理。`;
  target = (await inboundEmail(server.ctx, { email: 'li.wei@example.cn', name: '李伟' }, '报销问题', long)).ticketId;
  for (let i = 0; i < MANY; i++) {
    if (i % 3 === 0) await inboundChat(server.ctx, `visitor-${i}`, `访客${i}`, `发票发票，请开发票 ${i}`, `chat-${i}`);
    else await inboundEmail(server.ctx, { email: `c${i}@example.cn`, name: `客户${i}` }, `发票问题 ${i}`, `请问发票什么时候开？发票抬头 ${i}`);
  }
  const first = await inboundEmail(server.ctx, { email: 'zhou@example.cn', name: '周杰' }, '开票申请', '请帮我开发票');
  twoMessages = first.ticketId;
  await intake(server.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: 'zhou@example.cn' }, name: '周杰', email: 'zhou@example.cn' },
    thread: { ticketId: twoMessages },
    subject: 'Re: 开票申请',
    text: '抬头写错了，发票要重开',
    idempotencyKey: 'search-e2e-second',
  });
  resolved = (await inboundEmail(server.ctx, { email: 'old@example.cn', name: '老客户' }, '发票已收到', '谢谢，发票收到了。')).ticketId;
  await api('PATCH', `/tickets/${resolved}`, { status: 'resolved' });
  await api('PATCH', `/tickets/${target}`, { assigneeId: server.admin.id });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('search popup', () => {
  it('shows one row per ticket with status, assignee, contact, channel and matches, best first', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openPopup(page, '发票');
    const numbers = await hitNumbers(page, 'kf-search');
    expect(numbers[0]).toBe(await numberOf(target));
    expect(numbers.length).toBeLessThanOrEqual(5);
    expect(new Set(numbers).size).toBe(numbers.length);
    const first = page.locator('kf-search a.hit').first();
    expect(await first.locator('.status').textContent()).toContain('Open');
    expect(await first.locator('.assignee').textContent()).toContain('Me');
    expect(await first.locator('.contact').textContent()).toContain('李伟');
    expect(await first.locator('.channel').textContent()).toContain('support');
    expect(await first.locator('.matches').textContent()).toContain('1 matching message');
    expect(await first.locator('.snip mark').first().textContent()).toBe('发票');
    // The hit sits near the end of a long message: it must be inside the clamped excerpt, not cut off.
    const snipBox = (await first.locator('.snip').boundingBox())!;
    const markBox = (await first.locator('.snip mark').first().boundingBox())!;
    expect(markBox.y + markBox.height).toBeLessThanOrEqual(snipBox.y + snipBox.height + 1);
    expect(markBox.x + markBox.width).toBeLessThanOrEqual(snipBox.x + snipBox.width + 1);
    expect(await page.locator('kf-search').textContent()).not.toContain('Message in');
    expect(await page.locator('kf-search a.all').textContent()).toContain('See all results');
    await page.screenshot({ path: `${SHOTS}/popup-en-1440.png` });
    await page.context().close();
  });

  it('opens the full view from "See all results" with the arrow keys and Enter, and with Shift+Enter', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openPopup(page, '发票');
    const rows = await page.locator('kf-search .results a').count();
    for (let i = 1; i < rows; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('kf-search a.all').getAttribute('class')).toContain('active');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/search?q='));
    await page.waitForSelector('kf-search-results a.hit');
    expect(await page.locator('kf-search').count()).toBe(0);

    await openPopup(page, '开发票');
    await page.keyboard.press('Shift+Enter');
    await page.waitForFunction(() => decodeURIComponent(location.hash) === '#/search?q=开发票');
    await page.context().close();
  });
});

describe('search results view', () => {
  it('lists every matching ticket once, loading more as the list scrolls', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await go(page, `#/search?q=${encodeURIComponent('发票')}`, 'kf-search-results a.hit');
    const list = page.locator('kf-search-results a.hit');
    expect(await hitNumbers(page, 'kf-search-results').then((n) => n[0])).toBe(await numberOf(target));
    // 40 + the target + the two-message ticket + the resolved one, 25 a page.
    for (let i = 0; i < 5 && (await page.locator('kf-search-results .end').count()) === 0; i++) {
      await list.last().scrollIntoViewIfNeeded();
      await page.locator('kf-search-results .sentinel').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => !document.querySelector('kf-shell')?.shadowRoot?.querySelector('kf-search-results')?.shadowRoot?.querySelector('.load-more[disabled]'));
    }
    await page.waitForSelector('kf-search-results .end');
    const numbers = await hitNumbers(page, 'kf-search-results');
    expect(numbers.length).toBe(MANY + 3);
    expect(new Set(numbers).size).toBe(numbers.length);
    const two = page.locator('kf-search-results a.hit', { hasText: '开票申请' });
    expect(await two.locator('.matches').textContent()).toContain('2 matching messages');
    await page.context().close();
  });

  it('filters by status, assignee and channel, kept in the address', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await go(page, `#/search?q=${encodeURIComponent('发票')}`, 'kf-search-results a.hit');
    const selects = page.locator('kf-search-results .filters select');
    await selects.nth(0).selectOption('resolved');
    await page.waitForFunction(() => location.hash.includes('status=resolved'));
    await expect.poll(() => hitNumbers(page, 'kf-search-results')).toEqual([await numberOf(resolved)]);

    await page.locator('kf-search-results button.clear').click();
    await page.waitForFunction(() => !location.hash.includes('status='));
    await selects.nth(1).selectOption('me');
    await expect.poll(() => hitNumbers(page, 'kf-search-results')).toEqual([await numberOf(target)]);

    await selects.nth(1).selectOption('');
    await selects.nth(2).selectOption('widget');
    await page.waitForFunction(() => location.hash.includes('channel=widget'));
    await expect.poll(async () => (await hitNumbers(page, 'kf-search-results')).length).toBe(Math.ceil(MANY / 3));
    expect(await page.locator('kf-search-results a.hit .channel').allTextContents()).toEqual(Array(Math.ceil(MANY / 3)).fill('website'));

    await page.reload();
    await page.waitForSelector('kf-search-results a.hit');
    expect(await selects.nth(2).inputValue()).toBe('widget');
    await page.context().close();
  });

  it('moves between results with the arrow keys and opens one with Enter', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await go(page, `#/search?q=${encodeURIComponent('发票')}`, 'kf-search-results a.hit');
    await page.locator('kf-search-results a.hit').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    const second = (await hitNumbers(page, 'kf-search-results'))[1]!;
    const focusedNum = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.querySelector('.num')?.textContent;
    });
    expect(focusedNum).toBe(`#${second}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /#\/inbox\/all\/ticket\/\d+$/.test(location.hash));
    await page.context().close();
  });

  for (const [lang, email] of [['en', undefined], ['zh-CN', 'wang@example.test']] as const) {
    for (const [w, h] of [[1440, 900], [375, 812]] as const) {
      it(`looks right in ${lang} at ${w}×${h}`, async () => {
        const page = await signedInPage(browser, server, { email, context: { viewport: { width: w, height: h } } });
        await go(page, `#/search?q=${encodeURIComponent('发票')}`, 'kf-search-results a.hit');
        const head = await page.locator('kf-search-results h1').textContent();
        expect(head).toContain(lang === 'en' ? 'Results for' : '的搜索结果');
        const width = await page.locator('kf-search-results').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(width.scroll).toBeLessThanOrEqual(width.client);
        await page.screenshot({ path: `${SHOTS}/view-${lang}-${w}.png` });
        for (const row of await page.locator('kf-search-results a.hit').all()) {
          // Every row's first hit shows inside its two-line excerpt, at any width.
          const snip = (await row.locator('.snip').boundingBox())!;
          const mark = (await row.locator('.snip mark').first().boundingBox())!;
          expect(mark.y + mark.height).toBeLessThanOrEqual(snip.y + snip.height + 1);
        }
        if (w < 900) {
          // On a phone the first result shows on the first screen; the filters open from a button.
          expect((await page.locator('kf-search-results a.hit').first().boundingBox())!.y).toBeLessThan(h / 2);
          expect(await page.locator('kf-search-results .filters').isVisible()).toBe(false);
          await page.locator('kf-search-results button.toggle').click();
          expect(await page.locator('kf-search-results .filters').isVisible()).toBe(true);
          await page.screenshot({ path: `${SHOTS}/view-${lang}-${w}-filters.png` });
        }
        await openPopup(page, '发票');
        expect(await page.locator('kf-search a.all').textContent()).toContain(lang === 'en' ? 'See all results' : '查看全部结果');
        // Pinned: in view without scrolling the hits, even on a phone.
        const all = (await page.locator('kf-search a.all').boundingBox())!;
        const results = (await page.locator('kf-search .results').boundingBox())!;
        expect(all.y + all.height).toBeLessThanOrEqual(results.y + results.height + 1);
        await page.screenshot({ path: `${SHOTS}/popup-${lang}-${w}.png` });
        await page.context().close();
      });
    }
  }
});
