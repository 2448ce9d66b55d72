// A newcomer's first chat, end to end on phones: a customer's site on another origin embeds the widget with the
// documented snippet, a visitor writes, an agent answers from the agent app on a phone, the visitor sees it live.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { widgetEmbedSnippet } from '../../server/channels/widget/snippet.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { horizontalOverflow, insideViewport } from '../helpers/layout.js';
import { buildWidget } from '../helpers/widget-build.js';
import { buildAgentApp, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';
import { hostPage, type HostPage } from './widget-setup.js';

const PHONE: BrowserContextOptions = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let kefu: AgentServer;
let site: HostPage;
let browser: Browser;
let widgetDir: string;

beforeAll(async () => {
  site = await hostPage();
  // One folder with both front ends, as `npm run build:web` leaves them.
  const webRoot = await buildAgentApp('journey');
  widgetDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-journey-widget-'));
  cpSync(await buildWidget(widgetDir), webRoot, { recursive: true });
  kefu = await startAgentServer(webRoot, {
    channels: { widget: [{ name: 'website', allowed_origins: [site.origin], offline_when_no_agent: false }] },
  });
  kefu.ctx.outbox.start();
  // The tag the channels page gives an admin to paste, pointed at where this Kefu listens.
  const snippet = widgetEmbedSnippet(kefu.url, kefu.ctx.config.channels.widget[0]!);
  site.set(
    '/',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Outdoor Gear</title></head>
<body style="margin:0;font-family:Georgia,serif;background:#fdf8f0">
<header style="background:#1f3d2b;color:#fff;padding:16px 20px;font-size:20px">Acme Outdoor Gear</header>
<main style="padding:20px"><h1>Trail tents</h1><p>Light, strong tents for every season.</p></main>
${snippet}
</body></html>`,
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
  await site?.close();
  if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
});

const chat = (page: Page) => page.frameLocator('iframe[src*="/frame#"]');

async function visitor(locale: string): Promise<Page> {
  const context = await browser.newContext({ ...PHONE, locale });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${site.origin}/`);
  await chat(page).locator('.launcher').waitFor();
  return page;
}

async function agentOnPhone(): Promise<Page> {
  const page = await signedInPage(browser, kefu, { context: { ...PHONE, locale: 'en-US' }, waitForSocket: true });
  page.setDefaultTimeout(10_000);
  return page;
}

/** Sends a message from the widget and waits until the server acknowledged it. */
async function say(page: Page, text: string): Promise<void> {
  await chat(page).locator('textarea').fill(text);
  await chat(page).locator('textarea').press('Enter');
  await chat(page).locator('[data-status]').last().waitFor();
}

async function ticketOf(text: string): Promise<number> {
  const row = await kefu.ctx.db.selectFrom('messages').select('ticket_id').where('text', '=', text).executeTakeFirstOrThrow();
  return row.ticket_id;
}

describe('a newcomer’s first chat, on phones', () => {
  for (const c of [
    { locale: 'en-US', open: 'Open chat', greeting: 'Hi! How can we help you today?', placeholder: 'Write a message…', question: 'Is the Ridge 3 tent waterproof?', answer: 'Yes, it has a 3000 mm rain fly.' },
    { locale: 'zh-CN', open: '打开聊天', greeting: '您好！请问有什么可以帮您？', placeholder: '输入消息…', question: 'Ridge 3 帐篷防水吗？', answer: '防水的，外帐防水指数 3000 毫米。' },
  ]) {
    it(`lets a ${c.locale} visitor ask from another site and see the agent’s phone answer live`, async () => {
      const agent = await agentOnPhone();
      await agent.evaluate(() => (location.hash = '#/inbox/all'));
      await agent.waitForSelector('kf-inbox .list-pane');
      await agent.screenshot({ path: screenshotPath(`journey-agent-inbox-${c.locale}`) });

      const page = await visitor(c.locale);
      expect(await chat(page).locator('.launcher').getAttribute('aria-label')).toBe(c.open);
      await page.screenshot({ path: screenshotPath(`journey-launcher-${c.locale}`) });
      await chat(page).locator('.launcher').tap();
      await chat(page).getByText(c.greeting).waitFor();
      expect(await chat(page).locator('textarea').getAttribute('placeholder')).toBe(c.placeholder);
      // The open chat covers the phone's screen, and nothing in it sticks out sideways.
      expect(await page.locator('iframe[src*="/frame#"]').boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 812 });
      const frame = page.frames().find((f) => f.url().includes('/frame#'));
      expect(frame && (await frame.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))).toBe(true);

      await say(page, c.question);
      const ticketId = await ticketOf(c.question);
      // The agent's list shows the new chat without a reload.
      const row = agent.locator(`kf-ticket-list .row[data-ticket-id="${ticketId}"]`);
      await row.waitFor();
      await row.tap();
      await agent.waitForSelector(`kf-ticket-view[data-ticket="${ticketId}"] kf-timeline article[data-kind]`);
      await agent.locator('kf-timeline article[data-kind]', { hasText: c.question }).waitFor();
      // A visitor who gave no name is called so, not by the widget's random visitor id.
      expect(await agent.locator('kf-timeline article[data-kind]', { hasText: c.question }).locator('.author').innerText()).toBe('Anonymous visitor');
      expect(await horizontalOverflow(agent, ['table', 'kf-admin nav'])).toEqual([]);
      await agent.locator('kf-composer textarea').tap();
      await agent.locator('kf-composer textarea').fill(c.answer);
      expect(await insideViewport(agent, 'kf-composer [data-action=send]')).toBe(true);
      await agent.locator('kf-composer [data-action=send]').tap();
      await agent.locator('kf-timeline article.outbound', { hasText: c.answer }).waitFor();
      await agent.screenshot({ path: screenshotPath(`journey-agent-answer-${c.locale}`) });

      await chat(page).getByText(c.answer).waitFor();
      await page.screenshot({ path: screenshotPath(`journey-visitor-answer-${c.locale}`) });
      const contact = await kefu.ctx.db
        .selectFrom('tickets')
        .innerJoin('contacts', 'contacts.id', 'tickets.contact_id')
        .select(['contacts.language', 'tickets.channel_name'])
        .where('tickets.id', '=', ticketId)
        .executeTakeFirstOrThrow();
      expect(contact).toEqual({ language: c.locale, channel_name: 'website' });
      await page.context().close();
      await agent.context().close();
    }, 60_000);
  }
});
