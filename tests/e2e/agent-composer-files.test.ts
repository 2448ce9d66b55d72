// Attachments reach the composer by drag-and-drop and by paste, not only through the file picker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { gradientPng } from '../helpers/png.js';
import { apiAs, buildAgentApp, inboundChat, inboundEmail, openTicket as showTicket, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface AttachmentJson {
  id: number;
  name: string;
  contentType: string;
  size: number;
  url: string;
}
interface MessageJson {
  id: number;
  kind: string;
  text: string;
  attachments: AttachmentJson[];
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;

const messagesOf = async (id: number) => (await api<{ messages: MessageJson[] }>('GET', `/tickets/${id}`)).messages;

async function openTicket(id: number) {
  await showTicket(page, id);
  await page.waitForSelector('kf-composer textarea');
}

/** A file to build inside the page, the way the browser hands over files dragged from the desktop or pasted. */
type FileSpec = { name: string; type: string; base64: string };
const spec = (name: string, type: string, bytes: Buffer): FileSpec => ({ name, type, base64: bytes.toString('base64') });

beforeAll(async () => {
  const webRoot = await buildAgentApp('composer-files');
  server = await startAgentServer(webRoot);
  api = await apiAs(server, server.admin.email);
  browser = await launchChromium();
  page = await signedInPage(browser, server);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('composer attachments without the picker', () => {
  it('takes files dropped on the composer, sends them and shows the image in the timeline', async () => {
    const { ticketId } = await inboundEmail(server.ctx, { email: 'olga@example.test', name: 'Olga Petrova' }, 'Broken lamp', 'The lamp arrived broken.');
    await openTicket(ticketId);
    const photo = gradientPng(64, 48, [220, 80, 40], [40, 90, 220]);
    const files = [spec('broken-lamp.png', 'image/png', photo), spec('order.txt', 'text/plain', Buffer.from('Order SO-4411, lamp, 1 pc\n'))];
    const uploads = await holdFirstUpload();
    const seen = await page.locator('kf-composer textarea').evaluate(async (area, list: FileSpec[]) => {
      const box = area.closest('.box')!;
      const dt = new DataTransfer();
      for (const f of list) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const fire = (type: string) => {
        const ev = new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true });
        area.dispatchEvent(ev);
        return ev.defaultPrevented;
      };
      fire('dragenter');
      const overAccepted = fire('dragover');
      await new Promise((r) => requestAnimationFrame(r));
      const highlighted = box.classList.contains('dragging');
      const dropHandled = fire('drop');
      await new Promise((r) => requestAnimationFrame(r));
      return { overAccepted, highlighted, dropHandled, highlightedAfter: box.classList.contains('dragging') };
    }, files);
    expect(seen).toEqual({ overAccepted: true, highlighted: true, dropHandled: true, highlightedAfter: false });
    await page.waitForSelector('kf-composer .file:has-text("broken-lamp.png") .faint:has-text("B")');
    await page.waitForSelector('kf-composer .file:has-text("order.txt") .faint:has-text("B")');
    await page.click('kf-composer textarea');
    await page.keyboard.type('Sorry about that, photos attached for the carrier.');
    await page.click('kf-composer [data-action=send]');

    await page.waitForSelector('kf-timeline article.outbound .thumb img');
    const natural = await page.locator('kf-timeline article.outbound .thumb img').evaluate(async (img: HTMLImageElement) => {
      img.loading = 'eager';
      await img.decode();
      return { w: img.naturalWidth, h: img.naturalHeight, alt: img.alt };
    });
    expect(natural).toEqual({ w: 64, h: 48, alt: 'broken-lamp.png' });
    expect(await page.locator('kf-timeline article.outbound a.file').textContent()).toContain('order.txt');
    await uploads.release();

    const reply = (await messagesOf(ticketId)).find((m) => m.kind === 'outbound');
    expect(reply?.text).toBe('Sorry about that, photos attached for the carrier.');
    expect(reply?.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['broken-lamp.png', 'image/png', photo.length],
      ['order.txt', 'text/plain', 26],
    ]);
    // What the server stored is the very file that was dropped.
    const stored = await server.app.inject({ method: 'GET', url: reply!.attachments[0]!.url, headers: { cookie: await cookieOf() } });
    expect(stored.statusCode).toBe(200);
    expect(stored.rawPayload.equals(photo)).toBe(true);
  });

  it('leaves a text drag alone: no drop zone, the browser inserts the text', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-drag', 'Drag Visitor', 'hello');
    await openTicket(ticketId);
    const seen = await page.locator('kf-composer textarea').evaluate(async (area) => {
      const box = area.closest('.box')!;
      const dt = new DataTransfer();
      dt.setData('text/plain', 'some dragged words');
      const fire = (type: string) => {
        const ev = new DragEvent(type, { dataTransfer: dt, bubbles: true, composed: true, cancelable: true });
        area.dispatchEvent(ev);
        return ev.defaultPrevented;
      };
      fire('dragenter');
      fire('dragover');
      await new Promise((r) => requestAnimationFrame(r));
      const highlighted = box.classList.contains('dragging');
      const dropPrevented = fire('drop');
      return { highlighted, dropPrevented };
    });
    expect(seen).toEqual({ highlighted: false, dropPrevented: false });
    expect(await page.locator('kf-composer .file').count()).toBe(0);
  });

  it('uploads an image pasted into a chat reply and sends it with Enter', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-paste', 'Paste Visitor', 'Which colour is it?');
    await openTicket(ticketId);
    const shot = gradientPng(40, 30, [20, 160, 90], [250, 240, 120]);
    await page.click('kf-composer textarea');
    const handled = await page.locator('kf-composer textarea').evaluate((area, f: FileSpec) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, composed: true, cancelable: true });
      area.dispatchEvent(ev);
      return ev.defaultPrevented;
    }, spec('image.png', 'image/png', shot));
    expect(handled).toBe(true);
    await page.waitForSelector('kf-composer .file:has-text("image.png") .faint:has-text("B")');
    expect(await page.locator('kf-composer textarea').inputValue()).toBe('');
    await page.keyboard.type('This green one.');
    await page.keyboard.press('Enter');
    await page.waitForSelector('kf-timeline article.outbound .thumb img');
    await page.screenshot({ path: screenshotPath('agent-composer-pasted-image') });

    const reply = (await messagesOf(ticketId)).find((m) => m.kind === 'outbound');
    expect(reply?.text).toBe('This green one.');
    expect(reply?.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([['image.png', 'image/png', shot.length]]);
  });

  it('pastes plain text as text, without an upload', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-text', 'Text Visitor', 'hi');
    await openTicket(ticketId);
    await page.click('kf-composer textarea');
    const handled = await page.locator('kf-composer textarea').evaluate((area) => {
      const dt = new DataTransfer();
      dt.setData('text/plain', 'pasted words');
      const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, composed: true, cancelable: true });
      area.dispatchEvent(ev);
      return ev.defaultPrevented;
    });
    expect(handled).toBe(false);
    expect(await page.locator('kf-composer .file').count()).toBe(0);
  });
});

/**
 * Holds the first upload the page starts until a second one has been answered (or, when no second one
 * comes while it waits, for a moment): a second file that overtakes the first on the way to the server
 * must still be listed after it, where the agent dropped it.
 */
async function holdFirstUpload(): Promise<{ release(): Promise<void> }> {
  let seen = 0;
  let secondAnswered = (): void => undefined;
  const second = new Promise<void>((resolve) => (secondAnswered = resolve));
  const url = `${server.url}/api/v1/attachments`;
  const handler = async (route: Route) => {
    const n = ++seen;
    if (n === 1) await Promise.race([second, new Promise((r) => setTimeout(r, 1500))]);
    await route.fulfill({ response: await route.fetch() });
    if (n === 2) secondAnswered();
  };
  await page.route(url, handler);
  return { release: () => page.unroute(url, handler) };
}

/** The browser's session cookie, to fetch a stored attachment as this agent would. */
async function cookieOf(): Promise<string> {
  const cookies = await page.context().cookies(server.url);
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}
