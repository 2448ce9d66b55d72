// The agent app on a 375 px phone: one pane at a time, one navigation bar, nothing cut off at the sides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { horizontalOverflow, insideViewport } from '../helpers/layout.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, goTo, inboundChat, inboundEmail, PASSWORD, settledScreenshot, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let emailTicket: { id: number; number: number };
let chatTicket: number;

const SUBJECT = 'Order #SO-88123 has not shipped yet and the tracking page still says label created';
/** Boxes meant to scroll sideways on a phone: wide tables and the settings tabs. */
const SCROLLERS = ['table', 'kf-admin nav'];

beforeAll(async () => {
  const webRoot = await buildAgentApp('phone');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  const api = await apiAs(server, server.admin.email);
  for (const name of ['shipping', 'vip']) await api('POST', '/labels', { name, color: '#2f9e6e' });
  for (let i = 1; i <= 16; i++) await inboundEmail(server.ctx, { email: `customer${i}@example.test`, name: `Customer ${i}` }, `Question number ${i}`, `Hello, question ${i}.`);
  const e = await inboundEmail(server.ctx, { email: 'emma.clarke-whitfield@example.co.uk', name: 'Emma Clarke-Whitfield' }, SUBJECT, 'Hello, I ordered the Aurora desk lamp ten days ago.');
  await api('PATCH', `/tickets/${e.ticketId}`, { assigneeId: server.admin.id, priority: 'high', labels: ['shipping', 'vip'] });
  await api('POST', `/tickets/${e.ticketId}/messages`, { kind: 'note', text: 'Carrier says the parcel is stuck at the hub.' });
  await api('POST', `/tickets/${e.ticketId}/messages`, { kind: 'reply', text: 'Hi Emma, the carrier confirmed your lamp will be delivered tomorrow.' });
  const { ticket } = await api<{ ticket: { number: number } }>('GET', `/tickets/${e.ticketId}`);
  emailTicket = { id: e.ticketId, number: ticket.number };
  chatTicket = (await inboundChat(server.ctx, 'visitor-7', '陈静', '你好，请问蓝色外套有 M 码吗？')).ticketId;
  await api('POST', `/tickets/${chatTicket}/messages`, { kind: 'reply', text: '您好！M 码有货，今天 16 点前下单当天发货。' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function phone(email = server.admin.email): Promise<Page> {
  return signedInPage(browser, server, {
    email,
    context: { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true, timezoneId: 'Asia/Shanghai' },
  });
}

const go = goTo;
const shoot = settledScreenshot;

describe('agent app on a phone', () => {
  it('shows the inbox list full width with one navigation bar that fits', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    expect(await horizontalOverflow(page, SCROLLERS)).toEqual([]);
    expect(await page.locator('kf-inbox .list-pane').boundingBox()).toMatchObject({ x: 0, width: 375 });
    expect(await insideViewport(page, 'kf-sidebar .tabbar')).toBe(true);
    const bar = await page.locator('kf-sidebar .tabbar').boundingBox();
    expect(bar?.height).toBeLessThanOrEqual(64);
    const tabs = page.locator('kf-sidebar .tabbar .tab');
    expect(await tabs.count()).toBeGreaterThanOrEqual(4);
    for (const box of await Promise.all((await tabs.all()).map((x) => x.boundingBox()))) {
      expect(box && box.x >= 0 && box.x + box.width <= 375 && box.width >= 44).toBe(true);
    }
    await page.context().close();
  });

  it('picks an inbox view from the navigation bar', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.tap('kf-sidebar .tabbar [data-tab=views]');
    await page.waitForSelector('kf-sidebar nav a.item');
    // Polled: the panel slides in, and closes on the render after the address changed.
    await expect.poll(() => insideViewport(page, 'kf-sidebar nav')).toBe(true);
    await page.locator('kf-sidebar nav a.item[href="#/inbox/mine"]').tap();
    await page.waitForFunction(() => location.hash === '#/inbox/mine');
    await expect.poll(() => page.locator('kf-sidebar nav').isVisible()).toBe(false);
    await page.context().close();
  });

  it('opens a ticket in its own pane, with number and subject in the header, and goes back to the list', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.locator(`kf-ticket-list .row[data-ticket-id="${emailTicket.id}"]`).tap();
    await page.waitForSelector(`kf-ticket-view[data-ticket="${emailTicket.id}"] kf-timeline article.outbound`);
    expect(await page.locator('kf-inbox .list-pane').isVisible()).toBe(false);
    expect(await page.locator('kf-ticket-view').boundingBox()).toMatchObject({ x: 0, width: 375 });
    const title = page.locator('kf-ticket-view header h2');
    expect(await title.innerText()).toContain(`#${emailTicket.number}`);
    expect(await title.innerText()).toContain('Order #SO-88123');
    expect((await title.boundingBox())?.width).toBeGreaterThan(200);
    expect(await horizontalOverflow(page, SCROLLERS)).toEqual([]);
    // Names are read whole, not cut to a letter by the time and delivery status beside them.
    for (const author of await page.locator('kf-timeline .author').all()) {
      expect(await author.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    }
    await page.locator('kf-ticket-view header .back').tap();
    await page.waitForSelector('kf-inbox .list-pane kf-ticket-list .row');
    expect(await page.locator('kf-ticket-view').count()).toBe(0);
    await page.context().close();
  });

  it('comes back to the list where it was left', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    const list = page.locator('kf-ticket-list');
    const row = page.locator('kf-ticket-list .row[data-ticket-id="1"]');
    await row.waitFor();
    // Rows may still be rendering when the first scroll lands: scroll again until the last row is on screen,
    // so the tap below does not scroll it into view itself.
    await expect
      .poll(async () => {
        await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
        return row.evaluate((el) => el.getBoundingClientRect().bottom <= window.innerHeight);
      })
      .toBe(true);
    const before = await row.boundingBox();
    await row.tap();
    await page.waitForSelector('kf-ticket-view[data-ticket="1"] kf-timeline article[data-kind]');
    await page.locator('kf-ticket-view header .back').tap();
    await page.waitForSelector('kf-ticket-view', { state: 'detached' });
    expect(await row.boundingBox()).toEqual(before);
    await page.context().close();
  });

  it('shows the contact panel over the ticket without hiding the button that closes it', async () => {
    const page = await phone();
    await go(page, `#/inbox/all/ticket/${emailTicket.id}`, 'kf-timeline article.outbound');
    const toggle = page.locator('kf-ticket-view header [data-action=contact-panel]');
    await toggle.tap();
    await page.waitForSelector('kf-contact-panel .name');
    expect(await insideViewport(page, 'kf-contact-panel')).toBe(true);
    expect(await horizontalOverflow(page, SCROLLERS)).toEqual([]);
    await shoot(page, 'agent-phone-contact-panel-en');
    await toggle.tap();
    await page.waitForSelector('kf-contact-panel', { state: 'hidden' });
    await page.context().close();
  });

  it('folds the email To/Cc/Subject into one line that opens', async () => {
    const page = await phone();
    await go(page, `#/inbox/all/ticket/${emailTicket.id}`, 'kf-timeline article.outbound');
    const summary = page.locator('kf-composer .fields-summary');
    expect(await summary.innerText()).toContain('emma.clarke-whitfield@example.co.uk');
    expect(await page.locator('kf-composer .fields').isVisible()).toBe(false);
    // Anything smaller makes Safari zoom the page into the field on focus.
    expect(await page.locator('kf-composer textarea').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(16);
    const composer = await page.locator('kf-composer').boundingBox();
    expect(composer?.height).toBeLessThan(812 / 3);
    await summary.tap();
    await page.locator('kf-composer .fields input').fill('boss@example.test');
    expect(await summary.getAttribute('aria-expanded')).toBe('true');
    expect(await horizontalOverflow(page, SCROLLERS)).toEqual([]);
    await summary.tap();
    expect(await page.locator('kf-composer .fields').isVisible()).toBe(false);
    expect(await summary.innerText()).toContain('boss@example.test');
    await page.context().close();
  });

  it('keeps the user menu on screen', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.tap('kf-sidebar .tabbar [data-tab=me]');
    await page.waitForSelector('kf-sidebar .pop[role=menu]');
    expect(await insideViewport(page, 'kf-sidebar .pop[role=menu]')).toBe(true);
    expect(await page.locator('kf-sidebar .pop[role=menu] .item:visible').count()).toBe(4);
    await page.context().close();
  });

  it('keeps the pickers of the ticket header and the bulk actions on screen', async () => {
    const page = await phone();
    await go(page, `#/inbox/all/ticket/${emailTicket.id}`, 'kf-timeline article.outbound');
    for (const action of ['status', 'assign', 'labels']) {
      await page.tap(`kf-ticket-view [data-action=${action}]`);
      await page.waitForSelector('kf-ticket-view kf-picker .item');
      expect(await insideViewport(page, 'kf-ticket-view kf-picker'), action).toBe(true);
      await page.tap('kf-timeline .day');
      await page.waitForSelector('kf-ticket-view kf-picker', { state: 'detached' });
    }
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.tap('kf-inbox [data-action=select-mode]');
    await page.locator('kf-ticket-list .row').first().tap();
    await page.tap('kf-inbox .bulk button:has-text("Assign")');
    await page.waitForSelector('kf-inbox kf-picker .item');
    expect(await insideViewport(page, 'kf-inbox kf-picker')).toBe(true);
    await page.context().close();
  });

  it('selects tickets by tapping and changes them together', async () => {
    const page = await phone();
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.tap('kf-inbox [data-action=select-mode]');
    const rows = page.locator('kf-ticket-list .row');
    const ids = await Promise.all([0, 1].map((i) => rows.nth(i).getAttribute('data-ticket-id')));
    await rows.nth(0).tap();
    await rows.nth(1).tap();
    expect(await page.locator('kf-inbox .bulk .n').innerText()).toContain('2');
    expect(await page.locator('kf-ticket-view').count()).toBe(0);
    expect(await horizontalOverflow(page, SCROLLERS)).toEqual([]);
    await page.tap('kf-inbox .bulk button:has-text("Status")');
    await page.locator('kf-inbox kf-picker .item', { hasText: 'Pending' }).tap();
    await page.waitForSelector('kf-toaster .toast');
    const api = await apiAs(server, server.admin.email);
    for (const id of ids) {
      expect((await api<{ ticket: { status: string } }>('GET', `/tickets/${id}`)).ticket.status).toBe('pending');
    }
    await page.context().close();
  });

  it('fits the settings and contacts screens', async () => {
    const page = await phone();
    for (const [hash, ready] of [
      ['#/admin/agents', 'kf-admin-agents tbody tr'],
      ['#/admin/canned', 'kf-admin-canned .page-body'],
      ['#/admin/channels', 'kf-admin-channels .page-body'],
      ['#/admin/tokens', 'kf-admin-tokens .page-body'],
      ['#/contacts', 'kf-contacts tbody tr'],
      ['#/profile', 'kf-profile .page-body'],
    ] as const) {
      await go(page, hash, ready);
      expect(await horizontalOverflow(page, SCROLLERS), hash).toEqual([]);
      expect(await insideViewport(page, 'kf-sidebar .tabbar'), hash).toBe(true);
      if (hash.startsWith('#/admin')) expect(await insideViewport(page, 'kf-admin nav a[aria-current=page]'), hash).toBe(true);
    }
    await page.context().close();
  });

  for (const [lang, email] of [
    ['en', 'admin@example.test'],
    ['zh', 'wang@example.test'],
  ] as const) {
    it(`captures the phone screens in ${lang}`, async () => {
      const page = await phone(email);
      await go(page, '#/inbox/all', 'kf-ticket-list .row');
      await shoot(page, `agent-phone-inbox-${lang}`);
      await page.tap('kf-sidebar .tabbar [data-tab=views]');
      await shoot(page, `agent-phone-views-${lang}`);
      await page.tap('kf-sidebar .tabbar [data-tab=views]');
      await page.tap('kf-inbox [data-action=select-mode]');
      await page.locator('kf-ticket-list .row').nth(1).tap();
      await shoot(page, `agent-phone-bulk-${lang}`);
      await go(page, `#/inbox/all/ticket/${emailTicket.id}`, 'kf-timeline article.outbound');
      await shoot(page, `agent-phone-ticket-email-${lang}`);
      await page.tap('kf-composer .fields-summary');
      await shoot(page, `agent-phone-composer-open-${lang}`);
      await page.tap('kf-ticket-view [data-action=assign]');
      await page.waitForSelector('kf-ticket-view kf-picker .item');
      await shoot(page, `agent-phone-picker-${lang}`);
      await go(page, `#/inbox/all/ticket/${chatTicket}`, 'kf-timeline article.outbound');
      await shoot(page, `agent-phone-ticket-chat-${lang}`);
      await go(page, '#/admin/agents', 'kf-admin-agents tbody tr');
      await shoot(page, `agent-phone-admin-agents-${lang}`);
      await go(page, '#/admin/canned', 'kf-admin-canned .page-body');
      await shoot(page, `agent-phone-admin-canned-${lang}`);
      await go(page, '#/admin/channels', 'kf-admin-channels .page-body');
      await shoot(page, `agent-phone-admin-channels-${lang}`);
      await go(page, '#/profile', 'kf-profile .page-body');
      await shoot(page, `agent-phone-profile-${lang}`);
      await go(page, '#/contacts', 'kf-contacts tbody tr');
      await shoot(page, `agent-phone-contacts-${lang}`);
      await page.tap('kf-sidebar .tabbar [data-tab=me]');
      await shoot(page, `agent-phone-menu-${lang}`);
      await page.tap('kf-sidebar .tabbar [data-tab=me]');
      await page.tap('kf-sidebar .tabbar [data-tab=search]');
      await page.locator('kf-search input').fill('order');
      await page.waitForSelector('kf-search .results a');
      await shoot(page, `agent-phone-search-${lang}`);
      await page.context().close();
    }, 60_000);
  }
});
