// A ticket whose channel is not configured can never be answered: the composer says so instead of queuing a reply forever.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { intake } from '../../server/intake/intake.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { buildAgentApp, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-serverops';
let server: AgentServer;
let browser: Browser;
let page: Page;
let answerable: number;
let orphaned: number;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const webRoot = await buildAgentApp('no-reply-channel');
  // The default test channels: email "support" can send; nothing is configured named "email".
  server = await startAgentServer(webRoot);
  answerable = (await inboundEmail(server.ctx, { email: 'olga@example.test', name: 'Olga Petrova' }, 'Broken lamp', 'The lamp arrived broken.')).ticketId;
  orphaned = (
    await intake(server.ctx, {
      channel: { kind: 'email', name: 'email' },
      sender: { identity: { kind: 'email', value: 'ken@example.test' }, name: 'Ken Ito', email: 'ken@example.test' },
      subject: 'Where is my refund?',
      text: 'I returned the order two weeks ago.',
      idempotencyKey: '<orphan-1@example.test>',
    })
  ).ticketId;
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const notice = (p: Page) => p.locator('kf-composer [data-notice="no-reply-channel"]');

describe('a ticket with no channel to answer on', () => {
  it('says so in the composer, offers only a note, and the sidebar lists configured channels only', async () => {
    await openTicket(page, orphaned);
    await expect.poll(() => notice(page).textContent()).toContain('This ticket has no channel to answer on');
    expect(await page.locator('kf-composer .tab[data-mode="reply"]').isDisabled()).toBe(true);
    expect(await page.locator('kf-composer .tab[data-mode="note"]').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('kf-composer textarea').getAttribute('placeholder')).toContain('note');
    const channelLinks = await page.locator('kf-sidebar .group:has(.section-title) a, kf-sidebar .group:has(.section-title) button').allTextContents();
    expect(channelLinks.some((text) => text.includes('support'))).toBe(true);
    expect(channelLinks.some((text) => /\bemail\b/.test(text) && !text.includes('support'))).toBe(false);
    await page.screenshot({ path: `${SHOTS}/no-reply-channel-1440.png` });

    await page.setViewportSize({ width: 375, height: 812 });
    await expect.poll(() => notice(page).isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/no-reply-channel-375.png` });
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('shows no notice on a ticket whose channel can send', async () => {
    await openTicket(page, answerable);
    await page.waitForSelector('kf-composer textarea');
    expect(await notice(page).count()).toBe(0);
    expect(await page.locator('kf-composer .tab[data-mode="reply"]').isDisabled()).toBe(false);
  });

  it('says it in Simplified Chinese to an agent who reads it', async () => {
    await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
    const zh = await signedInPage(browser, server, { email: 'li@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(zh, orphaned);
    await expect.poll(() => notice(zh).textContent()).toContain('此工单没有可用于回复的渠道');
    await zh.screenshot({ path: `${SHOTS}/no-reply-channel-zh-cn-1440.png` });
    await zh.context().close();
  });
});
