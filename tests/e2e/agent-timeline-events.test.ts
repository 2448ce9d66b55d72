// The ticket timeline's system lines (assigned, transferred, status, snooze, priority, labels, reopened,
// merged) live and in the agent's language, each message's own channel after a merge, and the prompt that
// asks a new agent to allow desktop notifications.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { intake } from '../../server/intake/intake.js';
import { createAgent } from '../../server/modules/agents/service.js';
import {
  apiAs,
  buildAgentApp,
  inboundChat,
  inboundEmail,
  openTicket,
  PASSWORD,
  signedInPage,
  signIn,
  startAgentServer,
  type AgentServer,
  type ApiCall,
} from './agent-server.js';

interface TicketJson {
  id: number;
  number: number;
  messageCount: number;
  lastMessage: { preview: string } | null;
  unread: boolean;
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let admin: ApiCall;
let mei: ApiCall;
let meiId: number;
let billing: number;

const lines = (p: Page) => p.locator('kf-timeline .system[data-kind=event]').allTextContents();
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();
/** The event lines' text without their times, which depend on when the test runs. */
const sentences = async (p: Page) => (await lines(p)).map((l) => flat(l).replace(/\s*\d{1,2}:\d{2}(\s?[AP]M)?$/i, ''));

beforeAll(async () => {
  const webRoot = await buildAgentApp('timeline-events');
  server = await startAgentServer(webRoot);
  meiId = (await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD })).id;
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  admin = await apiAs(server, server.admin.email);
  mei = await apiAs(server, 'mei@example.test');
  billing = (await admin<{ team: { id: number } }>('POST', '/teams', { name: 'Billing', memberIds: [meiId] })).team.id;
  for (const name of ['refund', 'vip']) await admin('POST', '/labels', { name });
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('system lines in the timeline', () => {
  it('adds a line for each change live, without a reload, and none of them counts as a message', async () => {
    const { ticketId } = await inboundEmail(server.ctx, { email: 'olga@example.test', name: 'Olga Petrova' }, 'Refund for order 1182', 'The kettle leaks. Can I get a refund?');
    await openTicket(page, ticketId);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    expect(await lines(page)).toEqual([]);

    // The agent's own changes through the UI.
    await page.click('kf-ticket-view [data-action=assign]');
    await page.fill('kf-picker input', 'Mei');
    await page.click('kf-picker button.item:has-text("Mei Lin")');
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("assigned this to")');
    await page.click('kf-ticket-view [data-action=priority]');
    await page.click('kf-picker button.item:has-text("High")');
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("priority")');

    // A teammate's changes and a snooze, made elsewhere, arrive over the websocket.
    await mei('PATCH', `/tickets/${ticketId}`, { teamId: billing, labels: ['refund', 'vip'] });
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("vip")');
    const until = new Date(Date.now() + 2 * 86_400_000);
    until.setHours(9, 0, 0, 0);
    await admin('PATCH', `/tickets/${ticketId}`, { snoozedUntil: until.toISOString() });
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("snoozed this until")');
    await admin('PATCH', `/tickets/${ticketId}`, { status: 'resolved' });
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("Resolved")');

    expect(await sentences(page)).toEqual([
      'Alex Admin assigned this to Mei Lin.',
      'Alex Admin changed the priority: Normal → High.',
      'Mei Lin transferred this to the team Billing.',
      'Mei Lin added the labels refund, vip.',
      expect.stringMatching(/^Alex Admin snoozed this until .+9:00/),
      'Alex Admin changed the status: Snoozed → Resolved.',
    ]);
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    // Each line tells its time.
    expect((await lines(page)).every((l) => /\d{1,2}:\d{2}/.test(l))).toBe(true);

    const { ticket } = await admin<{ ticket: TicketJson }>('GET', `/tickets/${ticketId}`);
    expect(ticket.messageCount).toBe(1);
    expect(ticket.lastMessage?.preview).toBe('The kettle leaks. Can I get a refund?');
    expect(await page.locator('kf-timeline article[data-kind]').count()).toBe(1);

    // The same lines come back from the server on a fresh load.
    await page.reload();
    await page.waitForSelector(`kf-ticket-view[data-ticket="${ticketId}"] kf-timeline .system[data-kind=event]`);
    expect(await sentences(page)).toHaveLength(6);
  });

  it('shows the customer reopening a resolved ticket after their message, and a reply that resolved before it', async () => {
    const first = await inboundEmail(server.ctx, { email: 'ken@example.test', name: 'Ken Sato' }, 'Tracking number', 'Where is my parcel?');
    await openTicket(page, first.ticketId);
    await admin('POST', `/tickets/${first.ticketId}/messages`, { kind: 'reply', text: 'It left our warehouse today.', status: 'resolved' });
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("Resolved")');
    await intake(server.ctx, {
      channel: { kind: 'email', name: 'support' },
      sender: { identity: { kind: 'email', value: 'ken@example.test' }, name: 'Ken Sato' },
      thread: { ticketId: first.ticketId },
      text: 'It has not arrived yet.',
      idempotencyKey: `reopen-${Date.now()}`,
    });
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("reopened")');
    const order = await page.locator('kf-timeline article[data-kind], kf-timeline .system[data-kind=event]').evaluateAll((els) =>
      els.map((e) => (e.matches('article') ? `message:${e.getAttribute('data-kind')}` : `line:${e.textContent?.replace(/\s+/g, ' ').trim()}`)),
    );
    expect(order.map((o) => o.replace(/\s*\d{1,2}:\d{2}.*$/, ''))).toEqual([
      'message:inbound',
      'message:outbound',
      'line:Alex Admin changed the status: Open → Resolved.',
      'message:inbound',
      'line:Ken Sato replied and reopened this ticket.',
    ]);
  });

  it('shows a chat merged into the open email ticket live, as chat, and drops the merged ticket from the open list', async () => {
    const email = await inboundEmail(server.ctx, { email: 'ana@example.test', name: 'Ana Silva' }, 'Order 2203 missing', 'My order 2203 is missing an item.');
    await openTicket(page, email.ticketId);
    const chat = await inboundChat(server.ctx, 'visitor-ana', 'Ana Silva', 'Hi, I also wrote an email about 2203.');
    const chatRow = page.locator(`kf-ticket-list .row .num:text-is("#${chat.ticketNumber}")`);
    await chatRow.waitFor();
    await admin('POST', `/tickets/${chat.ticketId}/merge`, { intoTicketId: email.ticketId });
    // The merged chat is closed now: it leaves the open list, and its message joins this timeline without a reload.
    await expect.poll(() => chatRow.count()).toBe(0);
    await page.waitForSelector('kf-timeline article.inbound .via[data-channel=widget]');
    const vias = await page.locator('kf-timeline article.inbound .via').evaluateAll((els) => els.map((e) => [e.getAttribute('data-channel'), e.textContent?.trim()]));
    expect(vias).toEqual([
      ['email', 'support'],
      ['widget', 'website'],
    ]);
    expect(await page.locator('kf-timeline .system[data-kind=system]').textContent()).toContain(`#${chat.ticketNumber} was merged into this ticket by Alex Admin.`);
    // A chat message is not an email: its time is the short one, not the date-and-time of mail.
    const times = await page.locator('kf-timeline article.inbound .time').allTextContents();
    expect(times[1]?.length).toBeLessThan(times[0]?.length ?? 0);
  });

  it('looks finished in English and in 简体中文', async () => {
    const { ticketId } = await inboundEmail(server.ctx, { email: 'li.wei@example.cn', name: '李伟' }, '订单 #8812 还没有发货', '你好，我上周下的订单还没有发货，请帮忙查一下。');
    await admin('PATCH', `/tickets/${ticketId}`, { assigneeId: meiId, priority: 'high' });
    await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'reply', text: 'Sorry for the wait. I am checking with the warehouse now.' });
    await mei('PATCH', `/tickets/${ticketId}`, { teamId: billing, labels: ['vip'] });
    await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'note', text: '@Mei Lin the courier says it ships tomorrow.' });
    await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'reply', text: 'It ships tomorrow morning.', status: 'pending' });
    const chat = await inboundChat(server.ctx, 'visitor-li', '李伟', '我在网站上也问了一下。');
    await admin('POST', `/tickets/${chat.ticketId}/merge`, { intoTicketId: ticketId });

    await openTicket(page, ticketId);
    await page.waitForSelector('kf-timeline .system[data-kind=event]:has-text("Pending")');
    // The badges settle a moment after the last event of a burst.
    const { all } = await admin<{ all: number }>('GET', '/tickets/counts');
    await expect.poll(() => page.locator('kf-inbox h1 .total').textContent()).toBe(String(all));
    await page.screenshot({ path: screenshotPath('timeline-events-en') });
    await page.locator('kf-timeline').evaluate((el) => el.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('timeline-events-en-top') });
    expect(await sentences(page)).toEqual([
      'Alex Admin assigned this to Mei Lin.',
      'Alex Admin changed the priority: Normal → High.',
      'Mei Lin transferred this to the team Billing.',
      'Mei Lin added the label vip.',
      'Alex Admin changed the status: Open → Pending.',
    ]);

    const zh = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
    await openTicket(zh, ticketId);
    await zh.waitForSelector('kf-timeline .system[data-kind=event]');
    await zh.screenshot({ path: screenshotPath('timeline-events-zh-CN') });
    await zh.locator('kf-timeline').evaluate((el) => el.scrollTo(0, 0));
    await zh.screenshot({ path: screenshotPath('timeline-events-zh-CN-top') });
    expect(await sentences(zh)).toEqual([
      'Alex Admin 将此工单分配给了 Mei Lin。',
      'Alex Admin 更改了优先级：普通 → 高。',
      'Mei Lin 将此工单转给了团队 Billing。',
      'Mei Lin 添加了标签 vip。',
      'Alex Admin 更改了状态：待处理 → 待回复。',
    ]);
    expect(await zh.locator('kf-timeline .system[data-kind=system]').textContent()).toContain(`Alex Admin 已将 #${chat.ticketNumber} 合并到此工单。`);
    await zh.context().close();
  });
});

describe('a long conversation', () => {
  /** What the timeline shows: how many messages, the last one's text, and whether it is in view at the bottom. */
  const timelineState = () =>
    page.locator('kf-timeline').evaluate((tl) => {
      const articles = [...(tl.shadowRoot?.querySelectorAll('article[data-message-id]') ?? [])];
      const last = articles[articles.length - 1];
      const box = tl.getBoundingClientRect();
      const at = last?.getBoundingClientRect();
      return {
        count: articles.length,
        last: last?.querySelector('.body')?.textContent?.trim() ?? '',
        lastInView: !!at && at.top >= box.top && at.bottom <= box.bottom + 1,
        atBottom: tl.scrollHeight - tl.scrollTop - tl.clientHeight < 2,
      };
    });

  it('opens at the newest message, fills in the rest above it, and keeps the place as earlier ones load', async () => {
    // More messages than a ticket opens with (100), so the oldest come with "earlier messages".
    const ids = new Set<number>();
    for (let i = 1; i <= 110; i++) ids.add((await inboundChat(server.ctx, 'visitor-long', 'Long Talker', `Message number ${i}`)).ticketId);
    expect(ids.size).toBe(1);
    await openTicket(page, [...ids][0]!);
    await expect.poll(async () => (await timelineState()).count).toBe(100);
    expect(await timelineState()).toEqual({ count: 100, last: 'Message number 110', lastInView: true, atBottom: true });

    // Scrolled to the top, the oldest message shown stays where it is while the ten before it go in above.
    await page.locator('kf-timeline').evaluate((tl) => tl.scrollTo(0, 0));
    const first = page.locator('kf-timeline article[data-message-id]').first();
    expect(await first.locator('.body').textContent()).toBe('Message number 11');
    const oldest = page.locator(`kf-timeline article[data-message-id="${await first.getAttribute('data-message-id')}"]`);
    const topBefore = (await oldest.boundingBox())?.y;
    await page.click('kf-timeline .earlier');
    await expect.poll(async () => (await timelineState()).count).toBe(110);
    await expect.poll(async () => Math.round((await oldest.boundingBox())?.y ?? -1)).toBe(Math.round(topBefore ?? -2));
    expect(await page.locator('kf-timeline .earlier').count()).toBe(0);
  });
});

describe('desktop notification prompt', () => {
  /** Records each permission request and whether it came from a click, then lets the browser answer. */
  const recordRequests = () => {
    const calls: boolean[] = [];
    (window as unknown as { __requests: boolean[] }).__requests = calls;
    const real = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = () => {
      calls.push(navigator.userActivation.isActive);
      return real();
    };
  };
  const prompt = (p: Page) => p.locator('kf-notify-prompt .bar');

  it('asks a new agent from a click, and is gone once the browser has answered', async () => {
    const p = await signedInPage(browser, server, { email: 'mei@example.test' });
    await p.context().addInitScript(recordRequests);
    await p.reload();
    await prompt(p).waitFor();
    expect(flat((await prompt(p).textContent()) ?? '')).toContain('Turn on desktop notifications');
    await p.click('kf-notify-prompt [data-action=enable-notifications]');
    await prompt(p).waitFor({ state: 'detached' });
    expect(await p.evaluate(() => (window as unknown as { __requests: boolean[] }).__requests)).toEqual([true]);
    expect(await p.evaluate(() => Notification.permission)).not.toBe('default');
    await p.context().close();
  });

  it('stays away for the agent who said not now, but not for another agent in the same browser', async () => {
    const p = await signedInPage(browser, server, { email: 'mei@example.test' });
    await prompt(p).waitFor();
    await p.click('kf-notify-prompt [data-action=dismiss-notifications]');
    await prompt(p).waitFor({ state: 'detached' });
    await p.reload();
    await p.waitForSelector('kf-sidebar');
    await p.waitForSelector('kf-inbox');
    expect(await prompt(p).count()).toBe(0);

    // Wang signs in on the same browser: the same storage, another agent's answer.
    await p.context().clearCookies();
    await signIn(p, server, 'wang@example.test');
    await prompt(p).waitFor();
    expect(flat((await prompt(p).textContent()) ?? '')).toContain('开启桌面通知');
    await p.context().close();
  });

  it('does not ask when the browser already allows notifications or the agent turned them off', async () => {
    const p = await signedInPage(browser, server, { email: 'wang@example.test' });
    await prompt(p).waitFor();
    // Allowed in the browser's own site settings while the app is open.
    await p.context().grantPermissions(['notifications'], { origin: server.url });
    await prompt(p).waitFor({ state: 'detached' });
    await p.reload();
    await p.waitForSelector('kf-inbox');
    expect(await prompt(p).count()).toBe(0);
    await p.context().close();

    await admin('PATCH', '/me', { preferences: { desktopNotifications: false } });
    const off = await signedInPage(browser, server);
    await off.waitForSelector('kf-inbox');
    expect(await prompt(off).count()).toBe(0);
    await off.context().close();
    await admin('PATCH', '/me', { preferences: { desktopNotifications: true } });
  });
});
