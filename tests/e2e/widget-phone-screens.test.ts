// The widget on a 375×812 phone in English and Chinese: launcher, open chat, pre-chat form and rating
// (screenshots/widget-phone-<screen>-<lang>.png), each checked for what is cut off or sticks out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'playwright-core';
import { postMessage } from '../../server/modules/tickets/post-message.js';
import { screenshotPath } from '../helpers/browser.js';
import { chatFrame, embedPage, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

let stage: WidgetStage;
let kefu: WidgetServer;
let site: HostPage;
let browser: Browser;

beforeAll(async () => {
  stage = await widgetStage((origin) => [
    { name: 'website', allowed_origins: [origin], offline_when_no_agent: false, title: { en: 'Acme Support', 'zh-CN': '顶峰户外客服' }, brand_color: '#0f766e' },
    {
      name: 'prechat',
      allowed_origins: [origin],
      offline_when_no_agent: false,
      title: { en: 'Acme Sales', 'zh-CN': '顶峰户外销售' },
      prechat_fields: [
        { field: 'name', required: true },
        { field: 'email', required: true },
        { field: 'phone', required: false },
      ],
    },
  ]);
  ({ kefu, site, browser } = stage);
  for (const ch of ['website', 'prechat']) site.set(`/${ch}`, embedPage(kefu.url, ch));
}, 120_000);

afterAll(async () => stage?.close());

const chat = chatFrame;
const frameOf = (page: Page): Frame => {
  const f = page.frames().find((x) => x.url().includes('/frame#'));
  if (!f) throw new Error('no chat frame');
  return f;
};

/** Elements inside the chat frame that reach past its sides or are cut without an ellipsis. */
function cutOrOutside(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const width = window.innerWidth;
    const problems: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1)) problems.push(`${el.localName}.${el.className} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
        const s = getComputedStyle(el);
        const text = el instanceof HTMLButtonElement || el instanceof HTMLLabelElement;
        if (text && s.textOverflow !== 'ellipsis' && el.scrollWidth > el.clientWidth + 1) problems.push(`${el.localName} "${el.textContent?.trim()}" is cut`);
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return problems;
  });
}

async function visit(locale: string, path: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${site.origin}${path}`);
  await chat(page).locator('.launcher').waitFor();
  return page;
}

describe('widget screens on a phone', () => {
  for (const locale of ['en-US', 'zh-CN']) {
    it(`shows the launcher, chat, pre-chat form and rating whole in ${locale}`, async () => {
      const page = await visit(locale, '/website');
      await page.screenshot({ path: screenshotPath(`widget-phone-launcher-${locale}`) });
      const launcher = await page.locator('iframe[src*="/frame#"]').boundingBox();
      expect(launcher && launcher.x + launcher.width <= 375 && launcher.y + launcher.height <= 812).toBe(true);

      await chat(page).locator('.launcher').tap();
      const text = locale === 'zh-CN' ? '帐篷可以退货吗？' : 'Can I return a tent?';
      await chat(page).locator('textarea').fill(text);
      await chat(page).locator('textarea').press('Enter');
      await chat(page).locator('[data-status]').last().waitFor();
      // Anything smaller makes Safari zoom the page into the field on focus.
      expect(await chat(page).locator('textarea').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
      const ticket = await kefu.ctx.db.selectFrom('messages').select('ticket_id').where('text', '=', text).executeTakeFirstOrThrow();
      const answer = locale === 'zh-CN' ? '可以，未使用的帐篷 30 天内可退。' : 'Yes, unused tents within 30 days.';
      await postMessage(kefu.ctx, { id: kefu.agentId, name: 'Mei Lin', role: 'admin' }, ticket.ticket_id, { kind: 'reply', text: answer });
      await chat(page).getByText(answer).waitFor();
      expect(await cutOrOutside(frameOf(page))).toEqual([]);
      await page.screenshot({ path: screenshotPath(`widget-phone-chat-${locale}`) });

      await chat(page).locator('header button[aria-haspopup=menu]').tap();
      await chat(page).locator('.menu[role=menu] button').tap();
      await chat(page).locator('kf-chat-rating .stars button').nth(3).tap();
      expect(await chat(page).locator('kf-chat-rating textarea').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
      expect(await cutOrOutside(frameOf(page))).toEqual([]);
      await page.screenshot({ path: screenshotPath(`widget-phone-rating-${locale}`) });
      await page.context().close();

      const form = await visit(locale, '/prechat');
      await chat(form).locator('.launcher').tap();
      await chat(form).locator('kf-chat-form').waitFor();
      await chat(form).locator('button[type=submit]').tap();
      await expect.poll(() => chat(form).locator('.err').count()).toBe(2);
      for (const input of await chat(form).locator('kf-chat-form input').all()) {
        expect(await input.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
      }
      expect(await cutOrOutside(frameOf(form))).toEqual([]);
      await form.screenshot({ path: screenshotPath(`widget-phone-prechat-${locale}`) });
      await form.context().close();
    }, 60_000);
  }
});
