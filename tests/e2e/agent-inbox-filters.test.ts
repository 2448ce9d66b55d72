// The inbox's filter bar in Chromium: every filter shows its whole chosen value on a desktop and a phone,
// in each language, and stays reachable by keyboard.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { buildAgentApp, goTo, inboundChat, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOTS = '/tmp/shots-inbox';
const SIZES = { desktop: { width: 1440, height: 900 }, phone: { width: 375, height: 812 } } as const;
const AGENTS = { en: 'admin@example.test', 'zh-CN': 'wang@example.test', 'zh-TW': 'chen@example.test' } as const;
// The resolved and snoozed views start their status filter on a choice of their own.
const VIEWS = ['all', 'mine', 'resolved', 'snoozed'] as const;

let server: AgentServer;
let browser: Browser;

interface Clip {
  label: string;
  option: string;
  width: number;
  needed: number;
}

/**
 * Shows each option of each filter select in turn (without a change event, so the list does not reload)
 * and compares the select's width with what a select holding only that option's text needs: Chromium
 * draws a too-narrow select's text cut off with no overflow to measure.
 */
function clippedChoices(page: Page): Promise<Clip[]> {
  return page.locator('kf-inbox').evaluate((inbox) => {
    const bar = inbox.shadowRoot?.querySelector('.filters');
    if (!bar) throw new Error('no filter bar');
    const clips: Clip[] = [];
    for (const select of bar.querySelectorAll('select')) {
      const chosen = select.selectedIndex;
      for (let i = 0; i < select.options.length; i++) {
        select.selectedIndex = i;
        const text = select.options[i]?.textContent ?? '';
        const probe = select.cloneNode(false) as HTMLSelectElement;
        probe.append(new Option(text));
        probe.style.cssText = 'position:absolute;visibility:hidden;width:auto;min-width:0;max-width:none';
        bar.append(probe);
        const needed = probe.getBoundingClientRect().width;
        probe.remove();
        const width = select.getBoundingClientRect().width;
        if (width + 0.5 < needed) clips.push({ label: select.getAttribute('aria-label') ?? '', option: text, width, needed });
      }
      select.selectedIndex = chosen;
    }
    return clips;
  });
}

/** Header controls and text (title, filters, bulk bar) that are cut off or pushed past the list pane's edge. */
function overflowingHeader(page: Page): Promise<string[]> {
  return page.locator('kf-inbox').evaluate((inbox) => {
    const root = inbox.shadowRoot;
    const pane = root?.querySelector('.list-pane')?.getBoundingClientRect();
    if (!root || !pane) throw new Error('no list pane');
    const out: string[] = [];
    for (const el of root.querySelectorAll<HTMLElement>('.head h1, .head select, .head button, .head input, .bulk .n')) {
      if (el.getClientRects().length === 0) continue; // not shown at this size
      const box = el.getBoundingClientRect();
      const name = `${el.tagName} ${el.getAttribute('aria-label') ?? el.textContent?.trim()}`;
      if (box.right > pane.right + 0.5 || box.left < pane.left - 0.5) out.push(`${name}: outside the pane`);
      if (el.tagName !== 'SELECT' && el.scrollWidth > el.clientWidth) out.push(`${name}: cut off`);
    }
    return out;
  });
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('inbox-filters');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: AGENTS['zh-CN'], name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  await createAgent(server.ctx, { email: AGENTS['zh-TW'], name: '陳怡君', role: 'admin', password: PASSWORD, language: 'zh-TW' });
  await inboundEmail(server.ctx, { email: 'emma.clarke@example.co.uk', name: 'Emma Clarke' }, 'Order #SO-88123 has not shipped yet', 'The tracking still says label created.');
  await inboundChat(server.ctx, 'visitor-1', '李伟', '请问蓝色外套有 M 码吗？');
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('inbox filter bar', () => {
  for (const [lang, email] of Object.entries(AGENTS)) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      it(`shows every filter's whole chosen value and the whole header in ${lang} on a ${size}`, async () => {
        const page = await signedInPage(browser, server, { email, context: { viewport } });
        try {
          for (const view of VIEWS) {
            await goTo(page, `#/inbox/${view}`, 'kf-inbox .filters select');
            if (view === 'all') await page.screenshot({ path: `${SHOTS}/filters-${lang}-${size}.png` });
            expect(await clippedChoices(page), `${view} view`).toEqual([]);
            expect(await overflowingHeader(page), `${view} view`).toEqual([]);
          }
          // The longest status and sort choices: the bar as it looks when it needs the most room.
          await goTo(page, '#/inbox/resolved', 'kf-inbox .filters select');
          await page.locator('kf-inbox .filters select').nth(2).selectOption('sla_due');
          await page.screenshot({ path: `${SHOTS}/filters-${lang}-${size}-long.png` });
          expect(await overflowingHeader(page)).toEqual([]);
          // Picking a ticket turns the header into the bulk bar.
          await goTo(page, '#/inbox/all', 'kf-ticket-list .row input.check');
          await page.locator('kf-ticket-list .row input.check').first().focus();
          await page.keyboard.press('Space');
          await page.waitForSelector('kf-inbox .bulk');
          await page.screenshot({ path: `${SHOTS}/filters-${lang}-${size}-bulk.png` });
          expect(await overflowingHeader(page)).toEqual([]);
        } finally {
          await page.context().close();
        }
      });
    }
  }

  it('keeps the filters in keyboard order on a phone: status, priority, sort, then sort order', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: SIZES.phone } });
    try {
      await goTo(page, '#/inbox/all', 'kf-inbox .filters select');
      await page.locator('kf-inbox .filters select').first().focus();
      const order: string[] = [];
      for (let i = 0; i < 4; i++) {
        order.push(await page.evaluate(() => {
          let el: Element | null = document.activeElement;
          while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
          return el?.getAttribute('aria-label') ?? '';
        }));
        await page.keyboard.press('Tab');
      }
      expect(order).toEqual(['Status', 'Priority', 'Sort by', 'Sort order']);
    } finally {
      await page.context().close();
    }
  });
});
