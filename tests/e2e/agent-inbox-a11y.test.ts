// The inbox, contact page and sign-in in Chromium: status filters per view, keyboard and screen-reader
// reachability, focus placement and the tab title.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, goTo, inboundChat, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

const SHOTS = '/tmp/shots-inbox';

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;
let emma: { contactId: number; first: number; second: number };
let resolved: number;
let closed: number;
let snoozed: number;

/** The element focus is in, looking through shadow roots. */
function focused(p: Page) {
  return p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, type: el.getAttribute('type'), className: el.getAttribute('class') ?? '', host: (el.getRootNode() as ShadowRoot).host?.tagName.toLowerCase() ?? '' } : null;
  });
}

const go = goTo;

const selectedStatus = () => page.locator('kf-inbox .filters select').first().evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent?.trim());
const rowIds = () => page.locator('kf-ticket-list .row').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-ticket-id'))).sort((a, b) => a - b));

beforeAll(async () => {
  const webRoot = await buildAgentApp('inbox-a11y');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  const emmaFrom = { email: 'emma.clarke@example.co.uk', name: 'Emma Clarke' };
  const first = await inboundEmail(server.ctx, emmaFrom, 'Order #SO-88123 has not shipped yet', 'The tracking still says label created.');
  const second = await inboundEmail(server.ctx, emmaFrom, 'Invoice for order #SO-88123', 'Could you send me the invoice?');
  emma = { contactId: first.contactId, first: first.ticketId, second: second.ticketId };
  await api('PATCH', `/contacts/${emma.contactId}`, { attributes: { plan: 'Pro' } });
  await api('PATCH', `/tickets/${emma.first}`, { assigneeId: server.admin.id });
  await api('PATCH', `/tickets/${emma.second}`, { assigneeId: server.admin.id });
  resolved = (await inboundEmail(server.ctx, { email: 'li.wei@example.cn', name: '李伟' }, '发票已收到', '谢谢，发票收到了。')).ticketId;
  await api('PATCH', `/tickets/${resolved}`, { status: 'resolved' });
  closed = (await inboundEmail(server.ctx, { email: 'omar@example.test', name: 'Omar Haddad' }, 'Old question about returns', 'Never mind, found it.')).ticketId;
  await api('PATCH', `/tickets/${closed}`, { status: 'closed' });
  snoozed = (await inboundChat(server.ctx, 'visitor-9', 'Maria Gomez', 'I will come back after lunch about the blue jacket.')).ticketId;
  await api('PATCH', `/tickets/${snoozed}`, { status: 'snoozed', snoozedUntil: new Date(Date.now() + 86_400_000).toISOString() });
  for (let i = 1; i <= 3; i++) await inboundChat(server.ctx, `visitor-${i}`, `Visitor ${i}`, `Question number ${i} about sizes`);
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('contact page', () => {
  it('shows the contact: name, identities, attributes and tickets in a profile column with real height', async () => {
    await go(page, `#/contacts/${emma.contactId}`, 'kf-contacts kf-contact-panel .tickets a');
    const panel = page.locator('kf-contacts kf-contact-panel');
    expect((await panel.boundingBox())?.height ?? 0).toBeGreaterThan(300);
    await expect.poll(() => panel.locator('.name').isVisible()).toBe(true);
    expect(await panel.locator('.name').textContent()).toBe('Emma Clarke');
    expect(await panel.locator('.ident').first().isVisible()).toBe(true);
    expect(await panel.locator('.ident').first().textContent()).toContain('emma.clarke@example.co.uk');
    expect(await panel.locator('dd:has-text("Pro")').isVisible()).toBe(true);
    const tickets = panel.locator('.tickets a');
    expect(await tickets.count()).toBe(2);
    expect(await tickets.last().isVisible()).toBe(true);
    expect(await panel.locator('.tickets').textContent()).toContain('Invoice for order #SO-88123');
  });

  it('labels the notes field for assistive technology', async () => {
    const label = await page.locator('kf-contacts kf-contact-panel textarea').evaluate((el) => [...(el as HTMLTextAreaElement).labels].map((l) => l.textContent?.trim()));
    expect(label).toEqual(['Notes']);
  });
});

describe('status filters', () => {
  it('names what Snoozed and Resolved list, and their counts agree with their lists', async () => {
    await go(page, '#/inbox/snoozed', `kf-ticket-list .row[data-ticket-id="${snoozed}"]`);
    expect(await selectedStatus()).toBe('Snoozed');
    await go(page, '#/inbox/resolved', `kf-ticket-list .row[data-ticket-id="${closed}"]`);
    expect(await selectedStatus()).toBe('Resolved & closed');
    // The title is cut with an ellipsis in a narrow list; its full text stays one hover away.
    expect(await page.locator('kf-inbox h1').getAttribute('title')).toBe('Resolved');
    expect(await rowIds()).toEqual([resolved, closed].sort((a, b) => a - b));
    await expect.poll(() => page.locator('kf-inbox h1 .total').textContent()).toBe('2');
    await expect.poll(() => page.locator('kf-sidebar a.item[aria-current=page] .count').textContent()).toBe('2');
  });

  it('offers Closed and All statuses, and resets the filters when the view changes', async () => {
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    const options = await page.locator('kf-inbox .filters select').first().locator('option').allTextContents();
    expect(options).toEqual(['Open & pending', 'Open', 'Pending', 'Snoozed', 'Resolved', 'Closed', 'All statuses']);
    await page.locator('kf-inbox .filters select').first().selectOption({ label: 'Closed' });
    await expect.poll(rowIds).toEqual([closed]);
    // The view's count counts something else than a filtered list: it is not shown beside one.
    expect(await page.locator('kf-inbox h1 .total').count()).toBe(0);
    await page.locator('kf-inbox .filters select').first().selectOption({ label: 'All statuses' });
    await expect.poll(async () => (await rowIds()).length).toBe(8);
    await page.locator('kf-inbox .filters select').nth(2).selectOption({ label: 'Created' });
    await go(page, '#/inbox/mine', `kf-ticket-list .row[data-ticket-id="${emma.first}"]`);
    expect(await selectedStatus()).toBe('Open & pending');
    expect(await page.locator('kf-inbox .filters select').nth(2).evaluate((s) => (s as HTMLSelectElement).value)).toBe('last_activity');
    await expect.poll(rowIds).toEqual([emma.first, emma.second]);
  });
});

describe('ticket rows', () => {
  it('are reached by Tab: a real checkbox, then a link that opens the ticket', async () => {
    await go(page, '#/inbox/mine', `kf-ticket-list .row[data-ticket-id="${emma.second}"]`);
    await page.locator('kf-inbox .filters button.icon-btn').focus();
    await page.keyboard.press('Tab');
    const box = await focused(page);
    expect(box).toMatchObject({ tag: 'input', type: 'checkbox', host: 'kf-ticket-list' });
    const check = page.locator('kf-ticket-list .row input.check').first();
    expect(await check.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.keyboard.press('Space');
    await expect.poll(() => page.locator('kf-inbox .bulk .n').textContent()).toBe('1 selected');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'a', host: 'kf-ticket-list' });
    const target = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return Number(el?.closest('.row')?.getAttribute('data-ticket-id'));
    });
    await page.keyboard.press('Enter');
    await page.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), target);
  });

  it('shows the checkbox without hover on a touch screen', async () => {
    const touch = await signedInPage(browser, server, { context: { viewport: { width: 375, height: 812 }, hasTouch: true, isMobile: true } });
    await go(touch, '#/inbox/all', 'kf-ticket-list .row');
    expect(await touch.locator('kf-ticket-list .row input.check').first().evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await touch.context().close();
  });

  it('selects a range with shift-click without selecting the page text', async () => {
    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    // The range is the rows between the two clicks at the time of the second: the list must have
    // settled first (a change from the tests before, arriving late, moves rows between clicks).
    const order = () => page.locator('kf-ticket-list .row').evaluateAll((els) => els.map((el) => el.getAttribute('data-ticket-id')).join());
    await expect
      .poll(async () => {
        const before = await order();
        await page.waitForTimeout(300);
        return before === (await order());
      })
      .toBe(true);
    const rows = page.locator('kf-ticket-list .row');
    await rows.nth(0).locator('.subject').click({ modifiers: ['Control'] });
    await rows.nth(2).locator('.subject').click({ modifiers: ['Shift'] });
    await expect.poll(() => page.locator('kf-inbox .bulk .n').textContent()).toBe('3 selected');
    expect(await page.evaluate(() => document.getSelection()?.toString() ?? '')).toBe('');
    await page.keyboard.press('Escape');
  });
});

describe('focus', () => {
  it('puts sign-in focus in the email field while it is empty', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const fresh = await context.newPage();
    await fresh.goto(server.url);
    await fresh.waitForSelector('kf-login input[name=email]');
    await expect.poll(() => focused(fresh)).toMatchObject({ tag: 'input', id: 'email' });
    await context.close();
  });

  it('puts focus in the first field of the new-ticket dialog', async () => {
    await openTicket(page, emma.first);
    await page.click('kf-ticket-view button[title="More actions"]');
    await page.click('kf-picker button.item:has-text("New ticket")');
    await page.waitForSelector('kf-ticket-dialog input#subject');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'input', id: 'subject', host: 'kf-ticket-dialog' });
    await page.keyboard.press('Escape');
  });
});

describe('canned replies', () => {
  it('checks the shortcut pattern in a browser that compiles it with the v flag', async () => {
    await go(page, '#/admin/canned', 'kf-admin-canned input#sc');
    const input = page.locator('kf-admin-canned input#sc');
    await input.fill('two words');
    expect(await input.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(true);
    await input.fill('a/b');
    expect(await input.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(true);
    await input.fill('thanks-2');
    expect(await input.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(false);
    // A leading slash, as agents type it in the composer, is allowed and stripped by the server.
    await input.fill('/thanks');
    expect(await input.evaluate((el) => (el as HTMLInputElement).validity.patternMismatch)).toBe(false);
  });
});

describe('tab title', () => {
  it('shows my unread tickets and follows them live', async () => {
    const fresh = await signedInPage(browser, server, { waitForSocket: true });
    await go(fresh, '#/inbox/mine', 'kf-ticket-list .row');
    const unread = (await api<{ unread: number }>('GET', '/tickets/counts')).unread;
    await expect.poll(() => fresh.title()).toBe(unread ? `(${unread}) Kefu` : 'Kefu');
    const extra = await inboundEmail(server.ctx, { email: 'new.customer@example.test', name: 'New Customer' }, 'A new question', 'Hello?');
    await api('PATCH', `/tickets/${extra.ticketId}`, { assigneeId: server.admin.id });
    await expect.poll(() => fresh.title()).toBe(`(${unread + 1}) Kefu`);
    await openTicket(fresh, extra.ticketId);
    await expect.poll(() => fresh.title()).toBe(unread ? `(${unread}) Kefu` : 'Kefu');
    await fresh.context().close();
  });
});

describe('screens', () => {
  for (const [lang, email, resolvedLabel] of [
    ['en', 'admin@example.test', 'Resolved & closed'],
    ['zh-CN', 'wang@example.test', '已解决和已关闭'],
  ] as const) {
    for (const [width, height] of [[1440, 900], [375, 812]] as const) {
      it(`shows sign-in, the status views and the contact page in ${lang} at ${width}×${height}`, async () => {
        const context = await browser.newContext({ viewport: { width, height }, hasTouch: width < 500, isMobile: width < 500 });
        await context.addInitScript((l) => localStorage.setItem('kefu.language', l), lang);
        const p = await context.newPage();
        p.setDefaultTimeout(8000);
        const shot = (name: string) => p.screenshot({ path: `${SHOTS}/${name}-${lang}-${width}.png` });
        await p.goto(server.url);
        await p.waitForSelector('kf-login input[name=email]');
        await shot('sign-in');
        await p.fill('kf-login input[name=email]', email);
        await p.fill('kf-login input[name=password]', PASSWORD);
        await p.click('kf-login button[type=submit]');
        await p.waitForSelector('kf-sidebar');
        for (const view of ['all', 'snoozed', 'resolved']) {
          await go(p, `#/inbox/${view}`, 'kf-ticket-list .row');
          await shot(`inbox-${view}`);
        }
        expect(await p.locator('kf-inbox .filters select').first().evaluate((s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent?.trim())).toBe(resolvedLabel);
        await go(p, `#/contacts/${emma.contactId}`, 'kf-contacts kf-contact-panel .tickets a');
        expect((await p.locator('kf-contacts kf-contact-panel').boundingBox())?.height ?? 0).toBeGreaterThan(300);
        await shot('contact');
        await context.close();
      });
    }
  }
});
