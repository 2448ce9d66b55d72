// Screenshots of the main screens in English and Chinese, for people to look at (screenshots/agent-*.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { seedDatabase } from '../../server/seed/seed.js';
import { apiAs, buildAgentApp, goTo, inboundChat, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let emailTicket: number;
let chatTicket: number;

const EMAIL_HTML = `<p>Hello,</p><p>I ordered the <b>Aurora desk lamp</b> (order <b>#SO-88123</b>) ten days ago and the tracking page still says
<i>label created</i>. Could you check with the carrier?</p><p>Best regards,<br>Emma Clarke</p>
<p>On Mon, 16 Nov 2026 at 09:12, Kefu Support &lt;support@shop.example&gt; wrote:</p>
<blockquote type="cite"><p>Thanks for your order! It ships within 2 business days.</p></blockquote>`;

beforeAll(async () => {
  const webRoot = await buildAgentApp('screens');
  server = await startAgentServer(webRoot);
  await seedDatabase(server.ctx.database, { tickets: 400, password: PASSWORD, seed: 7 });
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  const api = await apiAs(server, server.admin.email);
  for (const c of [
    { shortcut: 'thanks', title: 'Thanks for reaching out', body: 'Hi {{contact.name}},\n\nThanks for reaching out! ' },
    { shortcut: 'tracking', title: 'Tracking number', body: 'Hi {{contact.name}}, your tracking number is {{tracking}}.' },
    { shortcut: 'refund', title: 'Refund processed', body: 'Your refund has been processed and will arrive in 3-5 business days.' },
    { shortcut: 'tuikuan', title: '退款已处理', body: '{{contact.name}} 您好，退款已原路退回，预计 3-5 个工作日到账。' },
  ]) {
    await api('POST', '/canned-replies', c);
  }
  emailTicket = (
    await inboundEmail(
      server.ctx,
      { email: 'emma.clarke@example.co.uk', name: 'Emma Clarke' },
      'Order #SO-88123 has not shipped yet',
      'Hello, I ordered the Aurora desk lamp ten days ago and the tracking still says label created.',
      EMAIL_HTML,
    )
  ).ticketId;
  const eapi = await apiAs(server, server.admin.email);
  await eapi('PATCH', `/tickets/${emailTicket}`, { assigneeId: server.admin.id, priority: 'high', labels: ['shipping', 'vip'] });
  await eapi('POST', `/tickets/${emailTicket}/messages`, { kind: 'note', text: 'Carrier says the parcel is stuck at the hub. @Alex Admin I will call them tomorrow.' });
  await eapi('POST', `/tickets/${emailTicket}/messages`, {
    kind: 'reply',
    text: 'Hi Emma,\n\nSorry for the wait. The carrier confirmed your lamp is at their hub and will be delivered tomorrow.\n\nBest,\nAlex',
  });
  chatTicket = (await inboundChat(server.ctx, 'visitor-7', '陈静', '你好，请问蓝色外套有 M 码吗？')).ticketId;
  await inboundChat(server.ctx, 'visitor-7', '陈静', '我想今天下单，明天能发货吗？');
  await eapi('POST', `/tickets/${chatTicket}/messages`, { kind: 'reply', text: '您好！M 码有货，今天 16 点前下单当天发货。' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function session(email: string, options: { dark?: boolean; width?: number; height?: number } = {}): Promise<Page> {
  return signedInPage(browser, server, {
    email,
    context: {
      viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
      colorScheme: options.dark ? 'dark' : 'light',
      timezoneId: 'Asia/Shanghai',
    },
  });
}

async function go(page: Page, hash: string, ready: string) {
  await goTo(page, hash, ready);
  await page.waitForTimeout(250);
}

describe('agent app screenshots', () => {
  for (const [lang, email] of [
    ['en', 'admin@example.test'],
    ['zh', 'wang@example.test'],
  ] as const) {
    it(`captures the main screens in ${lang}`, async () => {
      const page = await session(email);
      await go(page, '#/inbox/all', 'kf-ticket-list .row');
      await page.screenshot({ path: screenshotPath(`agent-inbox-${lang}`) });

      await go(page, `#/inbox/all/ticket/${emailTicket}`, 'kf-timeline article.note');
      await page.screenshot({ path: screenshotPath(`agent-ticket-email-${lang}`) });
      expect(await page.locator('kf-contact-panel .name').textContent()).toBe('Emma Clarke');

      await go(page, `#/inbox/all/ticket/${chatTicket}`, 'kf-timeline article.outbound');
      await page.click('kf-composer textarea');
      await page.keyboard.type('/');
      await page.waitForSelector('kf-composer .pop.suggest .item');
      await page.screenshot({ path: screenshotPath(`agent-composer-canned-${lang}`) });
      expect(await page.locator('kf-composer .pop.suggest .item').count()).toBe(4);
      await page.keyboard.press('Escape');

      await page.click('kf-contact-panel [data-action=edit-contact]');
      await page.screenshot({ path: screenshotPath(`agent-contact-edit-${lang}`) });

      await go(page, '#/admin/canned', 'kf-admin-canned tbody tr');
      await page.screenshot({ path: screenshotPath(`agent-admin-canned-${lang}`) });
      await go(page, '#/admin/agents', 'kf-admin-agents tbody tr');
      await page.screenshot({ path: screenshotPath(`agent-admin-agents-${lang}`) });
      await go(page, '#/contacts', 'kf-contacts tbody tr');
      await page.screenshot({ path: screenshotPath(`agent-contacts-${lang}`) });
      await page.keyboard.press('?');
      await page.waitForSelector('kf-shortcuts .row');
      await page.screenshot({ path: screenshotPath(`agent-shortcuts-${lang}`) });
      await page.context().close();
    }, 60_000);
  }

  it('captures dark mode and a tablet', async () => {
    const dark = await session('admin@example.test', { dark: true });
    await go(dark, `#/inbox/all/ticket/${emailTicket}`, 'kf-timeline article.note');
    await dark.screenshot({ path: screenshotPath('agent-ticket-dark') });
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).not.toBe('rgb(255, 255, 255)');
    await dark.context().close();

    const tablet = await session('wang@example.test', { width: 1024, height: 768 });
    await go(tablet, `#/inbox/all/ticket/${chatTicket}`, 'kf-timeline article.outbound');
    await tablet.screenshot({ path: screenshotPath('agent-tablet-zh') });
    await tablet.context().close();
  }, 60_000);
});
