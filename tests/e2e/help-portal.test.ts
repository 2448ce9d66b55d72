// The customer portal in Chromium with JavaScript switched off: sign in by the mailed link, list, open, reply.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../server/channels/email/config-schema.js';
import { launchChromium } from '../helpers/browser.js';
import { startMailDesk, type MailDesk } from '../helpers/mail-desk.js';
import { buildMail } from '../server/channels/email/mail-builder.js';
import { signInLinkTo } from '../server/portal/helpers.js';

let desk: MailDesk;
let browser: Browser;
let base = '';
const SHOTS = '/tmp/shots-portal';

const people = {
  en: { email: 'ann@example.org', from: 'Ann <ann@example.org>', subject: 'Broken kettle', answer: 'We are sending a new kettle.', reply: 'Thank you, it arrived.' },
  'zh-CN': { email: 'wang@example.cn', from: '=?UTF-8?B?546L6Iqz?= <wang@example.cn>', subject: 'Refund progress 退款进度', answer: '您的退款已在处理中，预计 3 个工作日内到账。', reply: '好的，谢谢！' },
} as const;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  desk = await startMailDesk([{ name: 'support', address: 'support@example.com' }], {
    config: { server: { public_url: 'https://help.example.com' }, help_center: { title: 'Acme 帮助', brand_color: '#0f766e' } },
  });
  await desk.t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = desk.t.app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const box = desk.t.config.channels.email[0] as EmailChannelConfig;
  for (const p of Object.values(people)) {
    const { ticketId } = await ingestRawEmail(desk.t.ctx, box, buildMail({ from: p.from, subject: p.subject }));
    const api = (payload: Record<string, unknown>) => desk.t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticketId}/messages`, headers: desk.t.admin.headers, payload });
    await api({ kind: 'note', text: 'INTERNAL note, never for the customer' });
    await api({ kind: 'reply', text: p.answer });
  }
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await desk?.close();
});

const shots: Array<[string, 'en' | 'zh-CN', { width: number; height: number }]> = [
  ['en-desktop', 'en', { width: 1440, height: 900 }],
  ['en-phone', 'en', { width: 375, height: 812 }],
  ['zh-CN-desktop', 'zh-CN', { width: 1440, height: 900 }],
  ['zh-CN-phone', 'zh-CN', { width: 375, height: 812 }],
];

describe('customer portal without JavaScript', () => {
  it.each(shots)('signs in by the mailed link, lists, opens and replies (%s)', async (name, locale, viewport) => {
    const who = people[locale];
    const context = await browser.newContext({ javaScriptEnabled: false, viewport, locale });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/help/tickets`);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      await page.screenshot({ path: `${SHOTS}/portal-signin-${name}.png`, fullPage: true });
      await page.fill('input[name=email]', who.email);
      await page.locator('form.panel button[type=submit]').click();
      await page.waitForSelector('[data-portal="link-sent"]');
      await page.screenshot({ path: `${SHOTS}/portal-sent-${name}.png`, fullPage: true });

      const mail = await signInLinkTo(desk, who.email);
      expect(mail.subject).toBe(locale === 'en' ? 'Your sign-in link' : '您的登录链接');
      // The link opens a page that asks; a scanner fetching it would have used nothing up.
      await page.goto(`${base}${mail.path}`);
      const confirm = page.locator('form[data-portal="confirm"]');
      expect(await confirm.textContent()).toContain(who.email);
      await page.screenshot({ path: `${SHOTS}/portal-confirm-${name}.png`, fullPage: true });
      await confirm.locator('button[type=submit]').click();
      await page.waitForURL(/\/help\/tickets$/);
      const rows = page.locator('table.tickets tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).toContain(who.subject);
      await page.screenshot({ path: `${SHOTS}/portal-list-${name}.png`, fullPage: true });

      await rows.first().locator('a').click();
      await page.waitForURL(/\/help\/tickets\/\d+$/);
      expect(await page.locator('ol.thread').textContent()).toContain(who.answer);
      expect(await page.content()).not.toContain('INTERNAL note');

      await page.fill('#text', `${who.reply} (${name})`);
      await page.locator('#reply button[type=submit]').click();
      await page.waitForURL(/sent=1/);
      expect(await page.locator('ol.thread li.mine').last().textContent()).toContain(`${who.reply} (${name})`);
      await page.screenshot({ path: `${SHOTS}/portal-ticket-${name}.png`, fullPage: true });

      // The link was used: a second visit says so and offers a new one.
      const again = await page.goto(`${base}${mail.path}`);
      expect(again?.status()).toBe(410);
      await page.screenshot({ path: `${SHOTS}/portal-used-${name}.png`, fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('opens a new ticket signed out, asking for name and email', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 812 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/help/tickets/new`);
      await page.fill('#name', '李雷');
      await page.fill('#email', 'lilei@example.cn');
      await page.fill('#subject', '发票开具');
      await page.fill('#text', '请帮我开具上个月订单的发票。');
      await page.screenshot({ path: `${SHOTS}/portal-new-zh-CN-phone.png`, fullPage: true });
      await page.locator('form.panel button[type=submit]').click();
      await page.waitForSelector('[data-portal="created"]');
      expect(await page.locator('.panel').textContent()).toContain('lilei@example.cn');
      await page.screenshot({ path: `${SHOTS}/portal-created-zh-CN-phone.png`, fullPage: true });
    } finally {
      await context.close();
    }
  }, 60_000);
});
