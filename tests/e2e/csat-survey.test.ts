// CSAT by email, end to end in Chromium: an admin turns surveys on in Settings → Satisfaction, a resolved
// ticket's survey is queued, the customer rates and comments on a phone (English, and Chinese with faces),
// and the agent sees the rating on the ticket.
import { copyFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { csatIdle } from '../../server/modules/csat/schedule.js';
import { sendDueSurveys } from '../../server/modules/csat/send.js';
import { apiAs, buildAgentApp, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };

beforeAll(async () => {
  const webRoot = await buildAgentApp('csat-survey');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'supervisor', password: PASSWORD, language: 'zh-CN' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function shoot(page: Page, name: string) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const file = screenshotPath(`csat-${name}`);
  await page.screenshot({ path: file });
  mkdirSync('/tmp/shots-csat', { recursive: true });
  copyFileSync(file, `/tmp/shots-csat/${name}.png`);
}

/** A customer's ticket, resolved, its survey sent: the survey page's path from the queued mail. */
async function surveyedTicket(email: string, name: string, subject: string, language: string | null): Promise<{ ticketId: number; path: string; html: string }> {
  const { ticketId } = await inboundEmail(server.ctx, { email, name }, subject, 'Please help.');
  const ticket = await server.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', ticketId).executeTakeFirstOrThrow();
  await server.ctx.db.updateTable('contacts').set({ language }).where('id', '=', ticket.contact_id).execute();
  const api = await apiAs(server, server.admin.email);
  await api('PATCH', `/tickets/${ticketId}`, { status: 'resolved' });
  await csatIdle(server.ctx);
  expect((await sendDueSurveys(server.ctx, Date.now() + 2 * 60_000)).sent).toBe(1);
  const rows = await server.ctx.db.selectFrom('outbox').select('payload').where('payload', 'like', `%${email}%`).execute();
  const mail = JSON.parse(rows[0]?.payload ?? '{}') as { text?: string; html?: string };
  const path = /\/csat\/[^\s?]+/.exec(mail.text ?? '')?.[0];
  if (!path) throw new Error('no survey link in the mail');
  return { ticketId, path, html: mail.html ?? '' };
}

async function phonePage(locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE, locale, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  return page;
}

describe('CSAT survey', () => {
  it('is turned on in Settings → Satisfaction', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: DESKTOP } });
    await page.evaluate(() => (location.hash = '#/admin/csat'));
    await page.waitForSelector('kf-admin-csat form');
    await page.check('kf-admin-csat input[name=enabled]');
    await page.fill('kf-admin-csat input[name=delayMinutes]', '1');
    await page.fill('kf-admin-csat input[name="q-en"]', '');
    await page.click('kf-admin-csat button:has-text("Save")');
    await page.waitForSelector('kf-toaster :text("Survey settings saved")');
    const api = await apiAs(server, server.admin.email);
    expect(await api('GET', '/csat/settings')).toMatchObject({ csat: { enabled: true, delayMinutes: 1, scale: '1-5', channels: ['email'] } });
    await shoot(page, 'admin-en-desktop');
    await page.setViewportSize(PHONE);
    await shoot(page, 'admin-en-phone');

    const zh = await signedInPage(browser, server, { email: 'li@example.test', context: { viewport: DESKTOP } });
    await zh.evaluate(() => (location.hash = '#/admin/csat'));
    await zh.waitForSelector('kf-admin-csat form');
    expect(await zh.locator('kf-admin-csat h1').textContent()).toBe('满意度');
    await shoot(zh, 'admin-zh-CN-desktop');
    await zh.setViewportSize(PHONE);
    await shoot(zh, 'admin-zh-CN-phone');
  });

  it('is rated and commented on a phone in English, and the agent sees the rating on the ticket', async () => {
    const { ticketId, path, html } = await surveyedTicket('ann@example.org', 'Ann', 'Broken kettle', null);
    const page = await phonePage('en-US');
    // The mail as a phone's mail app shows it: one link per score.
    await page.setContent(html);
    expect(await page.locator('a').count()).toBe(5);
    await shoot(page, 'mail-en-phone');
    await page.goto(`${server.url}${path}`);
    expect(await page.locator('h1').textContent()).toContain('How would you rate the help you received with “Broken kettle”?');
    await shoot(page, 'survey-en-choose');
    await page.click('a[data-score="4"]');
    await page.waitForSelector('[data-csat-state="recorded"]');
    await page.fill('textarea[name=comment]', 'Quick and kind, thank you!');
    await shoot(page, 'survey-en-thanks');
    await page.click('button:has-text("Send comment")');
    await page.waitForSelector('[data-csat-state="commented"]');
    await shoot(page, 'survey-en-commented');
    // Back to the mail, a second click: the first rating stands.
    await page.goto(`${server.url}${path}?score=1`);
    await page.waitForSelector('[data-csat-state="already"]');
    expect(await page.locator('body').textContent()).toContain('4 – Good');

    const agent = await signedInPage(browser, server, { context: { viewport: DESKTOP } });
    await openTicket(agent, ticketId);
    const chip = agent.locator(`kf-ticket-view[data-ticket="${ticketId}"] .chip.csat`);
    expect(await chip.textContent()).toContain('4/5');
    expect(await chip.getAttribute('data-csat-source')).toBe('email');
    // The timeline's rating lines, worded in the agent's language.
    await agent.locator('kf-timeline .system[data-event="csat.rated"]', { hasText: 'Rated 4/5: Quick and kind, thank you!' }).waitFor();
    await shoot(agent, 'ticket-en-desktop');
    await agent.setViewportSize(PHONE);
    await shoot(agent, 'ticket-en-phone');
  });

  it('speaks Chinese with faces on a phone, and the Chinese agent app shows the face', async () => {
    const api = await apiAs(server, server.admin.email);
    await api('PATCH', '/csat/settings', { csat: { scale: 'faces' } });
    const { ticketId, path } = await surveyedTicket('wang@example.org', '王芳', '退款进度', 'zh-CN');
    const page = await phonePage('zh-CN');
    await page.goto(`${server.url}${path}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('a[data-score]').allTextContents()).toEqual(['😀 满意', '😐 一般', '😞 不满意']);
    await shoot(page, 'survey-zh-CN-choose');
    await page.click('a[data-score="5"]');
    await page.waitForSelector('[data-csat-state="recorded"]');
    expect(await page.locator('h1').textContent()).toBe('感谢您的评价！');
    await page.fill('textarea[name=comment]', '客服很耐心，谢谢！');
    await page.click('button:has-text("提交留言")');
    await page.waitForSelector('[data-csat-state="commented"]');
    await shoot(page, 'survey-zh-CN-commented');

    const agent = await signedInPage(browser, server, { email: 'li@example.test', context: { viewport: PHONE } });
    await openTicket(agent, ticketId);
    expect(await agent.locator(`kf-ticket-view[data-ticket="${ticketId}"] .chip.csat`).textContent()).toContain('满意度 😀');
    await shoot(agent, 'ticket-zh-CN-phone');
  });
});
