// The notification tray: the bell's unread badge kept live by the agent socket, the tray listing what
// came in, each a link to its ticket; by mouse, by keyboard, and on a phone. Screenshots in English and
// Simplified Chinese, desktop and phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { languageAndSizeShots, launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { sweepSla } from '../../server/modules/sla/escalation.js';
import { apiAs, buildAgentApp, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let admin: ApiCall;
let li: ApiCall;

beforeAll(async () => {
  const webRoot = await buildAgentApp('notification-tray');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  admin = await apiAs(server, server.admin.email);
  li = await apiAs(server, 'li@example.test');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A ticket with a reminder on it for the caller, fired by the scheduler's sweep at its time. */
async function firedReminder(as: ApiCall, subject: string, note: string): Promise<number> {
  const { ticketId } = await inboundEmail(server.ctx, { email: `${subject.replace(/\W/g, '').toLowerCase()}@example.test`, name: subject }, subject, 'Please call me back.');
  const at = Date.now() + 60_000;
  await as('POST', `/tickets/${ticketId}/reminders`, { at: new Date(at).toISOString(), note });
  await sweepSla(server.ctx, at);
  return ticketId;
}

const bell = (p: Page, placement: 'rail' | 'bar' = 'rail'): Locator => p.locator(`kf-sidebar kf-notification-tray[placement=${placement}] button.bell`);
const badge = (p: Page, placement: 'rail' | 'bar' = 'rail'): Locator => p.locator(`kf-sidebar kf-notification-tray[placement=${placement}] .badge`);
const tray = (p: Page, placement: 'rail' | 'bar' = 'rail'): Locator => p.locator(`kf-sidebar kf-notification-tray[placement=${placement}] [popover]`);
/** What has the focus, through every shadow root: a notification link as `note:<ticket id>`. */
const focused = (p: Page) =>
  p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const href = el?.getAttribute('href') ?? '';
    return el?.matches('a.note') ? `note:${href.split('/').pop() ?? ''}` : (el?.tagName ?? null);
  });
const unreadCount = async (as: ApiCall) => (await as<{ unreadCount: number }>('GET', '/notifications')).unreadCount;

describe('notification tray', () => {
  it('counts a reminder that fires live, and opens its ticket from the tray', async () => {
    await admin('POST', '/notifications/read', { all: true });
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } }, waitForSocket: true });
    await expect(badge(p).count()).resolves.toBe(0);
    const ticketId = await firedReminder(admin, 'Refund still missing', 'Call the bank first');
    await expect(badge(p).textContent()).resolves.toBe('1');
    await expect(bell(p).getAttribute('aria-label')).resolves.toBe('Notifications, 1 unread');

    await bell(p).click();
    await tray(p).waitFor();
    const item = tray(p).locator('a.note').first();
    await expect(item.locator('.title').textContent()).resolves.toMatch(/^Reminder: #\d+$/);
    await expect(item.locator('.body').textContent()).resolves.toBe('Call the bank first · Refund still missing');
    await p.screenshot({ path: screenshotPath('tray-open-en-desktop-live') });
    await item.click();
    await p.locator(`kf-ticket-view[data-ticket="${ticketId}"]`).waitFor();
    await badge(p).waitFor({ state: 'detached' });
    await expect(tray(p).isVisible()).resolves.toBe(false);
    expect(await unreadCount(admin)).toBe(0);
    await p.context().close();
  });

  it('works from the keyboard: Enter opens, arrows move, Esc closes the tray and only the tray', async () => {
    await admin('POST', '/notifications/read', { all: true });
    const first = await firedReminder(admin, 'Invoice address', 'Old address');
    const second = await firedReminder(admin, 'Broken charger', 'Send a new one');
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } }, waitForSocket: true });
    await p.evaluate((id) => (location.hash = `#/inbox/all/ticket/${id}`), first);
    await p.locator(`kf-ticket-view[data-ticket="${first}"]`).waitFor();
    await expect.poll(() => badge(p).textContent()).toBe('2');

    await bell(p).focus();
    await p.keyboard.press('Enter');
    await tray(p).waitFor();
    // Focus moves into the tray, to the newest notification.
    await expect.poll(() => focused(p)).toBe(`note:${second}`);
    await p.keyboard.press('Escape');
    await tray(p).waitFor({ state: 'hidden' });
    // Esc closed the tray, not the ticket under it.
    await expect(p.locator(`kf-ticket-view[data-ticket="${first}"]`).count()).resolves.toBe(1);
    // The bell follows the popover's toggle event, which comes a task after it closed.
    await expect.poll(() => bell(p).getAttribute('aria-expanded')).toBe('false');

    await bell(p).focus();
    await p.keyboard.press('Enter');
    await tray(p).waitFor();
    // The arrows move from the newest notification once the tray has put the focus there.
    await expect.poll(() => focused(p)).toBe(`note:${second}`);
    await p.keyboard.press('ArrowDown');
    await expect.poll(() => focused(p)).toBe(`note:${first}`);
    await p.keyboard.press('ArrowUp');
    await expect.poll(() => focused(p)).toBe(`note:${second}`);
    await p.keyboard.press('Enter');
    await p.locator(`kf-ticket-view[data-ticket="${second}"]`).waitFor();
    await expect.poll(() => badge(p).textContent()).toBe('1');
    await expect.poll(() => unreadCount(admin)).toBe(1);
    await p.context().close();
  });

  it('sits in the phone’s bottom bar, with the tray above it', async () => {
    const p = await signedInPage(browser, server, { context: { viewport: { width: 375, height: 812 } }, waitForSocket: true });
    await expect(bell(p, 'rail').isVisible()).resolves.toBe(false);
    await bell(p, 'bar').click();
    await tray(p, 'bar').waitFor();
    const box = await tray(p, 'bar').boundingBox();
    const bar = await p.locator('kf-sidebar .tabbar').boundingBox();
    expect(box && bar && box.x >= 0 && box.x + box.width <= 375 && box.y >= 0 && box.y + box.height <= bar.y).toBe(true);
    await p.context().close();
  });

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    await firedReminder(li, '发票抬头错误', '先联系财务');
    await firedReminder(admin, 'Wrong invoice name', 'Ask finance first');
    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'li@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport, timezoneId: 'Asia/Shanghai' }, waitForSocket: true });
      const placement = viewport.width < 700 ? 'bar' : 'rail';
      await badge(p, placement).waitFor();
      await p.screenshot({ path: screenshotPath(`tray-badge-${name}`) });
      await bell(p, placement).click();
      await tray(p, placement).locator('a.note').first().waitFor();
      await p.screenshot({ path: screenshotPath(`tray-open-${name}`) });
      await p.context().close();
    }
  });
});
