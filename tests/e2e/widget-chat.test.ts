import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { postMessage } from '../../server/modules/tickets/post-message.js';
import { screenshotPath } from '../helpers/browser.js';
import { chatFrame, embedPage, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

describe('widget in Chromium on another origin', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    stage = await widgetStage((origin) => [
      { name: 'website', allowed_origins: [origin], offline_when_no_agent: false, title: 'Acme Support', greeting: 'Hi! Ask us anything about tents.' },
    ]);
    ({ kefu, site, browser } = stage);
    site.set('/', embedPage(kefu.url, 'website'));
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
  });
  afterAll(async () => stage?.close());

  const frame = () => chatFrame(page);

  async function ticketOf(text: string): Promise<number> {
    const row = await kefu.ctx.db.selectFrom('messages').select('ticket_id').where('text', '=', text).executeTakeFirst();
    if (!row) throw new Error(`no message ${text}`);
    return row.ticket_id;
  }

  const nextMessageCreated = (text: string) =>
    new Promise<void>((resolve) => {
      const off = kefu.ctx.bus.on('message.created', (e) => {
        if (e.message.text === text) {
          off();
          resolve();
        }
      });
    });

  it('lets a visitor chat with an agent and see the answer live', async () => {
    await page.goto(site.origin);
    await frame().locator('.launcher').waitFor();
    await page.screenshot({ path: screenshotPath('widget-launcher') });
    await frame().locator('.launcher').click();
    await frame().locator('textarea').waitFor();

    const arrived = nextMessageCreated('Do you ship to Taipei?');
    await frame().locator('textarea').fill('Do you ship to Taipei?');
    await frame().locator('textarea').press('Enter');
    await arrived;
    await frame().locator('[data-status="delivered"]').waitFor();

    const ticketId = await ticketOf('Do you ship to Taipei?');
    await kefu.reply(ticketId, 'Yes, in 3 days.');
    await frame().getByText('Yes, in 3 days.').waitFor();
    expect(await frame().locator('.who').first().textContent()).toBe('Mei Lin');
    await page.screenshot({ path: screenshotPath('widget-panel-desktop') });
  });

  it('keeps the history after a reload', async () => {
    await page.reload();
    await frame().locator('.launcher').click();
    await frame().getByText('Yes, in 3 days.').waitFor();
    const bubbles = await frame().locator('.bubble').allTextContents();
    expect(bubbles).toEqual(['Hi! Ask us anything about tents.', 'Do you ship to Taipei?', 'Yes, in 3 days.']);
  });

  it('queues messages typed offline and delivers them on reconnect, in order, exactly once', async () => {
    await context.setOffline(true);
    // Offline emulation does not cut an open websocket; the server side drops it, as a lost network would.
    for (const client of kefu.app.websocketServer.clients) client.terminate();
    await frame().locator('.banner').first().waitFor();
    for (const text of ['queued one', 'queued two', 'queued three']) {
      await frame().locator('textarea').fill(text);
      await frame().locator('textarea').press('Enter');
    }
    expect(await frame().locator('.pending').count()).toBe(3);
    const last = nextMessageCreated('queued three');
    await context.setOffline(false);
    await last;
    await frame().locator('.pending').first().waitFor({ state: 'detached' });
    const rows = await kefu.ctx.db.selectFrom('messages').select(['id', 'text']).where('text', 'like', 'queued %').orderBy('id').execute();
    expect(rows.map((r) => r.text)).toEqual(['queued one', 'queued two', 'queued three']);
    // A second reload re-sends nothing: the queue is empty and the history shows each message once.
    await page.reload();
    await frame().locator('.launcher').click();
    await frame().getByText('queued three').waitFor();
    const texts = await frame().locator('.bubble').allTextContents();
    expect(texts.filter((t) => t.startsWith('queued'))).toEqual(['queued one', 'queued two', 'queued three']);
  });

  it('renders a script tag in a message as text and never runs it', async () => {
    const evil = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    const arrived = nextMessageCreated(evil);
    await frame().locator('textarea').fill(evil);
    await frame().locator('textarea').press('Enter');
    await arrived;
    await frame().getByText(evil).waitFor();
    const inner = page.frames().find((f) => f.url().includes('/widget/website/frame'));
    expect(await inner?.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('shows an unread badge on the closed launcher when an agent replies', async () => {
    await frame().locator('.launcher').click();
    await frame().locator('.panel').waitFor({ state: 'detached' });
    const ticketId = await ticketOf('Do you ship to Taipei?');
    await postMessage(kefu.ctx, { id: kefu.agentId, name: 'Mei Lin', role: 'admin' }, ticketId, { kind: 'reply', text: 'Anything else?' });
    await frame().locator('.badge').waitFor();
    expect(await frame().locator('.badge').textContent()).toBe('1');
    await page.waitForFunction(() => document.title.includes('(1)'));
    await page.screenshot({ path: screenshotPath('widget-launcher-unread') });
  });
});
