// The screens people check by eye, at a phone's and a desktop's size, in English and Chinese
// (screenshots/matrix-<screen>-<lang>-<width>.png); each is also checked for what sticks out sideways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { horizontalOverflow, insideViewport } from '../helpers/layout.js';
import {
  apiAs,
  buildAgentApp,
  goTo,
  inboundChat,
  inboundEmail,
  inboundPhotoChat,
  PASSWORD,
  settledScreenshot,
  signedInPage,
  startAgentServer,
  type AgentServer,
} from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let emailTicket: number;
let chatTicket: number;
let photoTicket: number;
let contactId: number;

/** Boxes meant to scroll sideways: wide tables and the settings tabs. */
const SCROLLERS = ['table', 'kf-admin nav'];
const SIZES = [
  { width: 375, height: 812 },
  { width: 1440, height: 900 },
] as const;
const PEOPLE = [
  ['en', 'admin@example.test'],
  ['zh-CN', 'wang@example.test'],
] as const;

beforeAll(async () => {
  const webRoot = await buildAgentApp('matrix');
  server = await startAgentServer(webRoot, { channels: { widget: [{ name: 'website', allowed_origins: ['https://shop.example.com'], offline_when_no_agent: false }] } });
  const wang = await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  const api = await apiAs(server, server.admin.email);
  for (const [name, color] of [['shipping', '#2f9e6e'], ['vip', '#b45309'], ['退款', '#be123c']] as const) await api('POST', '/labels', { name, color });
  await api('POST', '/teams', { name: 'Tier 1 support', memberIds: [server.admin.id, wang.id] });
  await api('POST', '/teams', { name: '售后团队', memberIds: [wang.id] });
  for (const c of [
    { shortcut: 'thanks', title: 'Thanks for reaching out', body: 'Hi {{contact.name}},\n\nThanks for reaching out! ' },
    { shortcut: 'tuikuan', title: '退款已处理', body: '{{contact.name}} 您好，退款已原路退回，预计 3-5 个工作日到账。' },
  ]) {
    await api('POST', '/canned-replies', c);
  }
  await api('POST', '/me/tokens', { name: 'Order sync from the shop backend' });
  const e = await inboundEmail(
    server.ctx,
    { email: 'emma.clarke-whitfield@example.co.uk', name: 'Emma Clarke-Whitfield' },
    'Order #SO-88123 has not shipped yet and the tracking page still says label created',
    'Hello, I ordered the Aurora desk lamp ten days ago and the tracking still says label created.',
  );
  emailTicket = e.ticketId;
  await api('PATCH', `/tickets/${emailTicket}`, { assigneeId: server.admin.id, priority: 'high', labels: ['shipping', 'vip'] });
  await api('POST', `/tickets/${emailTicket}/messages`, { kind: 'note', text: 'Carrier says the parcel is stuck at the hub.' });
  await api('POST', `/tickets/${emailTicket}/messages`, { kind: 'reply', text: 'Hi Emma, the carrier confirmed your lamp will be delivered tomorrow.' });
  contactId = (await api<{ ticket: { contact: { id: number } } }>('GET', `/tickets/${emailTicket}`)).ticket.contact.id;
  chatTicket = (await inboundChat(server.ctx, 'visitor-7', '陈静', '你好，请问蓝色外套有 M 码吗？')).ticketId;
  await inboundChat(server.ctx, 'visitor-7', '陈静', '我想今天下单，明天能发货吗？');
  await api('POST', `/tickets/${chatTicket}/messages`, { kind: 'reply', text: '您好！M 码有货，今天 16 点前下单当天发货。' });
  photoTicket = (await inboundPhotoChat(server.ctx, 'matrix-photo-1')).ticketId;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const go = goTo;

/** Takes the picture once lazily painted parts have settled, then checks nothing sticks out sideways (softly: every picture is taken). */
async function shoot(page: Page, name: string) {
  await settledScreenshot(page, name);
  expect.soft(await horizontalOverflow(page, SCROLLERS), name).toEqual([]);
}

/** How many px² of the signed-in agent's initials the presence dot covers, in the visible avatar (sidebar or tab bar). */
function dotOverInitials(page: Page): Promise<number> {
  return page.locator('kf-sidebar .av:visible').evaluate((av) => {
    const text = av.querySelector('.avatar')?.firstChild;
    const dot = av.querySelector('.dot');
    if (!text || !dot) return -1;
    const range = document.createRange();
    range.selectNodeContents(av.querySelector('.avatar')!);
    const a = range.getBoundingClientRect();
    const b = dot.getBoundingClientRect();
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  });
}

describe('screenshot matrix of the agent app', () => {
  for (const [lang, email] of PEOPLE) {
    for (const size of SIZES) {
      const phone = size.width < 600;
      const tag = `${lang}-${size.width}`;
      it(`captures the checked screens in ${lang} at ${size.width}×${size.height}`, async () => {
        const page = await signedInPage(browser, server, {
          email,
          context: { viewport: size, isMobile: phone, hasTouch: phone, timezoneId: 'Asia/Shanghai' },
        });
        await go(page, `#/contacts/${contactId}`, 'kf-contacts .page-body');
        await page.waitForSelector(`kf-contacts :text("Emma Clarke-Whitfield")`);
        await shoot(page, `matrix-contact-${tag}`);
        expect(await dotOverInitials(page)).toBe(0);

        await go(page, `#/inbox/all/ticket/${photoTicket}`, 'kf-timeline a.thumb');
        await page.click('kf-timeline a.thumb');
        const img = page.locator('kf-timeline .lightbox img');
        await img.waitFor();
        await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(800);
        expect(await insideViewport(page, 'kf-timeline .lightbox img')).toBe(true);
        await shoot(page, `matrix-lightbox-${tag}`);
        await page.keyboard.press('Escape');
        await img.waitFor({ state: 'detached' });

        await go(page, `#/inbox/all/ticket/${chatTicket}`, 'kf-timeline article.outbound');
        await shoot(page, `matrix-ticket-chat-${tag}`);
        // A short subject reads whole beside or above the header's actions.
        expect(await page.locator('kf-ticket-view header h2').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);

        await go(page, `#/inbox/all/ticket/${emailTicket}`, 'kf-timeline article.outbound');
        if (phone) await page.tap('kf-composer .fields-summary');
        await page.waitForSelector('kf-composer .fields input');
        expect(await insideViewport(page, 'kf-composer [data-action=send]')).toBe(true);
        await shoot(page, `matrix-ticket-email-composer-${tag}`);

        for (const [section, ready] of [
          ['agents', 'kf-admin-agents tbody tr'],
          ['teams', 'kf-admin-teams .page-body'],
          ['labels', 'kf-admin-labels tbody tr'],
          ['canned', 'kf-admin-canned tbody tr'],
          ['channels', 'kf-admin-channels .page-body'],
          ['tokens', 'kf-admin-tokens tbody tr'],
        ] as const) {
          await go(page, `#/admin/${section}`, ready);
          expect(await insideViewport(page, 'kf-admin nav a[aria-current=page]'), section).toBe(true);
          if (section === 'labels') {
            expect((await page.locator('kf-admin-labels form.add input[type=color]').boundingBox())?.width).toBe(32);
            // Every label's name reads whole in its field.
            for (const field of await page.locator('kf-admin-labels td .field').all()) {
              expect(await field.evaluate((el) => el.scrollWidth <= el.clientWidth), await field.inputValue()).toBe(true);
            }
          }
          await shoot(page, `matrix-admin-${section}-${tag}`);
        }
        await page.context().close();
      }, 90_000);
    }
  }
});
