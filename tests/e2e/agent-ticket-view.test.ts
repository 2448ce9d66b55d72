// The ticket view's overlays (lightbox, merge dialog, send menu) belong to the window and close
// innermost first on Esc; a restored draft is no collision; a visitor ending and rating a chat shows
// live; a chat author's run of messages reads as one turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { intake } from '../../server/intake/intake.js';
import { buildAgentApp, inboundChat, inboundEmail, inboundPhotoChat, openTicket, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const SHOP = 'https://shop.example.com';
const VIEWPORT = { width: 1440, height: 900 };

let server: AgentServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const webRoot = await buildAgentApp('ticket-view');
  server = await startAgentServer(webRoot, { channels: { widget: [{ name: 'website', allowed_origins: [SHOP], offline_when_no_agent: false }] } });
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: VIEWPORT }, waitForSocket: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The element under a point, through every shadow root, named by the custom elements it sits in. */
const hostsAt = (p: Page, x: number, y: number) =>
  p.evaluate(([px, py]) => {
    let el: Element | null = document.elementFromPoint(px!, py!);
    while (el?.shadowRoot) {
      const inner = el.shadowRoot.elementFromPoint(px!, py!);
      if (!inner || inner === el) break;
      el = inner;
    }
    const hosts: string[] = [];
    for (let n: Node | null = el; n; n = n instanceof ShadowRoot ? n.host : n.parentNode) {
      if (n instanceof Element && n.tagName.includes('-')) hosts.push(n.tagName.toLowerCase());
    }
    return { tag: el?.tagName.toLowerCase() ?? '', hosts };
  }, [x, y]);

/** The focused element through shadow roots: its tag, data-action and the custom element around it. */
const focused = (p: Page) =>
  p.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const root = el?.getRootNode();
    return { tag: el?.tagName.toLowerCase() ?? '', action: el?.getAttribute('data-action') ?? '', host: root instanceof ShadowRoot ? root.host.tagName.toLowerCase() : '' };
  });

const ticketOpen = (p: Page) => p.evaluate(() => /\/ticket\/\d+/.test(location.hash));

async function visitor() {
  const headers: Record<string, string> = { origin: 'http://localhost:80', host: 'localhost:80', 'x-kefu-origin': SHOP };
  const call = async (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => {
    const res = await server.app.inject({ method, url: `/api/v1/widget/website${url}`, headers, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 400) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<Record<string, unknown>>();
  };
  headers['x-kefu-visitor'] = String((await call('POST', '/session', { name: 'Nora Visitor' })).token);
  return call;
}

describe('overlays and Esc in the ticket view', () => {
  it('shows the lightbox over the whole window, with focus in it, and Esc closes only the lightbox', async () => {
    const { ticketId } = await inboundPhotoChat(server.ctx, 'e2e-photo-1');
    await openTicket(page, ticketId);
    await page.click('kf-timeline a.thumb');
    const img = page.locator('kf-timeline .lightbox img');
    await img.waitFor();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBe(800);
    const box = await img.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.width).toBeGreaterThan(400);
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(VIEWPORT.width);
    expect(box!.y + box!.height).toBeLessThanOrEqual(VIEWPORT.height);
    // Visible means on top: the image is what a click at its centre hits.
    expect((await hostsAt(page, box!.x + box!.width / 2, box!.y + box!.height / 2)).tag).toBe('img');
    // The dark cover reaches the window's corners, over the sidebar and the list too.
    for (const [x, y] of [[4, 4], [VIEWPORT.width - 4, VIEWPORT.height - 4], [4, VIEWPORT.height - 4]] as const) {
      expect((await hostsAt(page, x, y)).hosts[0]).toBe('kf-timeline');
    }
    expect((await focused(page)).host).toBe('kf-timeline');

    await page.keyboard.press('Escape');
    await img.waitFor({ state: 'detached' });
    expect(await ticketOpen(page)).toBe(true);
    expect(await focused(page)).toMatchObject({ tag: 'a', host: 'kf-timeline' });
    await page.keyboard.press('Escape');
    await expect.poll(() => ticketOpen(page)).toBe(false);
  });

  it('dims the whole window behind the merge dialog, moves focus into it, and Esc closes only the dialog', async () => {
    const { ticketId } = await inboundEmail(server.ctx, { email: 'mo@example.test', name: 'Mo Merge' }, 'Second order', 'Same issue as before.');
    await inboundEmail(server.ctx, { email: 'mo@example.test', name: 'Mo Merge' }, 'First order', 'My order is late.');
    await openTicket(page, ticketId);
    await page.click('kf-ticket-view [data-action=more]');
    await page.click('kf-picker button.item:has-text("Merge")');
    await page.locator('kf-ticket-dialog .dialog').waitFor();
    for (const [x, y] of [[4, 4], [VIEWPORT.width - 4, 4], [4, VIEWPORT.height - 4], [VIEWPORT.width - 4, VIEWPORT.height - 4]] as const) {
      expect((await hostsAt(page, x, y)).hosts[0]).toBe('kf-ticket-dialog');
    }
    expect(await focused(page)).toMatchObject({ tag: 'input', host: 'kf-ticket-dialog' });

    await page.keyboard.press('Escape');
    await page.locator('kf-ticket-dialog').waitFor({ state: 'detached' });
    expect(await ticketOpen(page)).toBe(true);
    expect(await focused(page)).toMatchObject({ action: 'more', host: 'kf-ticket-view' });
  });

  it('closes the send menu on Esc and leaves the ticket open; the next Esc closes the ticket', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'v-menu', 'Max Menu', 'Is the blue one in stock?', 'menu-chat');
    await openTicket(page, ticketId);
    await page.fill('kf-composer textarea', 'Let me check');
    await page.click('kf-composer button.more');
    await page.locator('kf-composer [data-action=send-pending]').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('kf-composer [data-action=send-pending]').waitFor({ state: 'detached' });
    expect(await ticketOpen(page)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => ticketOpen(page)).toBe(false);

    // With the text box focused, the menu goes first too, and the ticket stays.
    await openTicket(page, ticketId);
    await page.click('kf-composer button.more');
    await page.locator('kf-composer [data-action=send-pending]').waitFor();
    await page.focus('kf-composer textarea');
    await page.keyboard.press('Escape');
    await page.locator('kf-composer [data-action=send-pending]').waitFor({ state: 'detached' });
    expect(await ticketOpen(page)).toBe(true);
  });
});

describe('collision check of a reply', () => {
  it('sends a restored draft without asking, and asks when a message came after the draft was begun', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'v-draft', 'Dora Draft', 'Do you ship to Norway?', 'draft-chat');
    const other = await inboundChat(server.ctx, 'v-other', 'Otto Other', 'Hello?', 'other-chat');
    await openTicket(page, ticketId);
    await page.fill('kf-composer textarea', 'Yes, we ship to Norway.');
    await page.locator('kf-composer textarea').blur();
    // Away and back: the draft is restored from storage.
    await openTicket(page, other.ticketId);
    await openTicket(page, ticketId);
    await expect.poll(() => page.inputValue('kf-composer textarea')).toBe('Yes, we ship to Norway.');
    await page.press('kf-composer textarea', 'Enter');
    await page.waitForSelector('kf-timeline article[data-kind=outbound]:has-text("Yes, we ship to Norway.")');
    expect(await page.locator('kf-composer .confirm').count()).toBe(0);

    // A draft begun, then the customer writes while the agent is on another ticket.
    await page.fill('kf-composer textarea', 'Delivery takes five days.');
    await page.locator('kf-composer textarea').blur();
    await openTicket(page, other.ticketId);
    await inboundChat(server.ctx, 'v-draft', 'Dora Draft', 'Never mind, found it.', 'draft-chat');
    await openTicket(page, ticketId);
    await page.waitForSelector('kf-timeline article:has-text("Never mind, found it.")');
    await page.press('kf-composer textarea', 'Enter');
    await page.locator('kf-composer .confirm').waitFor();
    expect(await page.locator('kf-timeline article[data-kind=outbound]').count()).toBe(1);
    await page.click('kf-composer .confirm button:has-text("Cancel")');

    // Live too: a message arriving while the agent writes.
    await page.fill('kf-composer textarea', 'Glad you found it.');
    await inboundChat(server.ctx, 'v-draft', 'Dora Draft', 'Thanks anyway!', 'draft-chat');
    await page.waitForSelector('kf-timeline article:has-text("Thanks anyway!")');
    await page.press('kf-composer textarea', 'Enter');
    await page.locator('kf-composer .confirm').waitFor();
  });
});

describe('chat end and rating on the timeline', () => {
  it('shows the visitor ending the chat and rating it, live, and the rating on the ticket', async () => {
    const call = await visitor();
    const sent = await call('POST', '/messages', { clientId: 'c-end-0001', text: 'Where is my order?' });
    const conversationId = (sent.message as { conversationId: string }).conversationId;
    const conv = await server.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
    const ticketId = conv.ticket_id as number;
    await openTicket(page, ticketId);

    await call('POST', `/conversations/${conversationId}/end`);
    const ended = page.locator('kf-timeline .system[data-event="chat.ended"]');
    await ended.waitFor();
    expect(await ended.textContent()).toContain('Visitor ended the chat');
    await page.waitForSelector('kf-ticket-view [data-action=status]:has-text("Pending")');

    await call('POST', `/conversations/${conversationId}/rating`, { score: 4, comment: 'Quick and kind' });
    const rated = page.locator('kf-timeline .system[data-event="csat.rated"]');
    await rated.waitFor();
    expect(await rated.textContent()).toContain('Rated 4/5: Quick and kind');
    expect(await page.locator('kf-ticket-view [data-csat="4"]').textContent()).toContain('Rated 4/5');

    await page.reload();
    await page.waitForSelector(`kf-ticket-view[data-ticket="${ticketId}"] kf-timeline .system[data-event="csat.rated"]`);
    expect(await page.locator('kf-ticket-view [data-csat="4"]').count()).toBe(1);
  });
});

describe('chat runs', () => {
  it('shows a run of ten chat messages from one author with one header, much shorter than ten cards', async () => {
    let ticketId = 0;
    for (let i = 1; i <= 10; i++) ticketId = (await inboundChat(server.ctx, 'v-run', 'Rita Run', `Line ${i} of my question`, 'run-chat')).ticketId;
    await openTicket(page, ticketId);
    const run = page.locator('kf-timeline article[data-kind=inbound]');
    await expect.poll(() => run.count()).toBe(10);
    // Polled: the run is grouped on the render after its last message came in.
    await expect.poll(() => page.locator('kf-timeline article[data-kind=inbound] .author').count()).toBe(1);
    const height = async () => {
      const first = (await run.first().boundingBox())!;
      const last = (await run.last().boundingBox())!;
      return last.y + last.height - first.y;
    };
    // Ten full cards with their gaps take ~900 px; ten lines of a chat turn well under half of that.
    await expect.poll(height).toBeLessThan(450);
    // The last line of the run tells its time.
    await expect.poll(() => run.last().locator('.stamp .t').isVisible()).toBe(true);
  });

  it('keeps emails from one sender as full cards, each with its header', async () => {
    let ticketId = 0;
    for (let i = 1; i <= 3; i++) {
      const r = await intake(server.ctx, {
        channel: { kind: 'email', name: 'support' },
        sender: { identity: { kind: 'email', value: 'eve@example.test' }, name: 'Eve Email', email: 'eve@example.test' },
        subject: 'Invoice copy',
        ...(ticketId ? { thread: { ticketId } } : {}),
        text: `Mail ${i}`,
        idempotencyKey: `<e2e-run-${i}@example.test>`,
      });
      ticketId = r.ticketId;
    }
    await openTicket(page, ticketId);
    await expect.poll(() => page.locator('kf-timeline article[data-kind=inbound]').count()).toBe(3);
    expect(await page.locator('kf-timeline article[data-kind=inbound] .author').count()).toBe(3);
  });
});
