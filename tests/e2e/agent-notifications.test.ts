// Desktop notifications, the chime, the profile switches that silence them, and presence as other agents
// and the chat widget see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, inboundChat, PASSWORD, signIn as signInForm, signedInPage, socketHello, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface Shown {
  title: string;
  body: string;
}
interface Recorder {
  notifications: Shown[];
  clicks: (() => void)[];
  tones: { frequency: number; state: string }[];
}

const SITE = 'https://shop.example';

let server: AgentServer;
let browser: Browser;
let meiContext: BrowserContext;
let mei: Page;
/** Another tab in Mei's window: in front of it, the app has no focus, as when a notification matters. */
let elsewhere: Page;
let meiId: number;
let admin: ApiCall;

/**
 * Wraps window.Notification (the real one still runs, with the permission the context granted) and the
 * oscillators the chime starts, so the test can read what the agent would have seen and heard.
 */
function recordAlerts() {
  const rec: Recorder = { notifications: [], clicks: [], tones: [] };
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      rec.notifications.push({ title, body: options?.body ?? '' });
      rec.clicks.push(() => this.onclick?.call(this, new Event('click')));
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Object.defineProperty(Recorded, 'requestPermission', { value: Real.requestPermission.bind(Real) });
  window.Notification = Recorded;
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: Parameters<OscillatorNode['start']>) {
    rec.tones.push({ frequency: this.frequency.value, state: this.context.state });
    return start.apply(this, args);
  };
  (window as unknown as { __kf: Recorder }).__kf = rec;
}

const recorded = (p: Page) => p.evaluate(() => {
  const r = (window as unknown as { __kf: Recorder }).__kf;
  return { notifications: [...r.notifications], tones: r.tones.length, states: [...new Set(r.tones.map((t) => t.state))] };
});

/** Signs in and waits until the app's websocket is open: only then do live events reach it. */
const signIn = (p: Page, email: string) => signInForm(p, server, email, { waitForSocket: true });

/** Agent sockets open on the server right now. */
const openSockets = () => (server.app as unknown as { websocketServer: { clients: Set<unknown> } }).websocketServer.clients.size;

/** What the widget on the customer's site is told: can someone answer live? */
async function widgetOnline(): Promise<boolean> {
  const res = await server.app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: SITE } });
  expect(res.statusCode).toBe(200);
  return res.json<{ online: boolean }>().online;
}

async function workElsewhere() {
  await elsewhere.bringToFront();
  expect(await mei.evaluate(() => document.hasFocus())).toBe(false);
}

/** Back to the app (clicks in a tab in the background wait for frames it does not draw). */
async function workInApp() {
  await mei.bringToFront();
  expect(await mei.evaluate(() => document.hasFocus())).toBe(true);
}

/**
 * A new chat, assigned to Mei by the admin; returns once Mei's app announced it (while her notifications
 * are on), so what a test counts afterwards is only what the test itself caused.
 */
async function chatForMei(visitor: string, name: string, text: string): Promise<number> {
  const before = (await recorded(mei)).notifications.length;
  const { ticketId } = await inboundChat(server.ctx, visitor, name, text);
  await admin('PATCH', `/tickets/${ticketId}`, { assigneeId: meiId });
  await expect.poll(async () => (await recorded(mei)).notifications.slice(before).map((n) => n.title)).toContain(`New chat from ${name}`);
  return ticketId;
}

const presenceOf = async (id: number) => (await admin<{ items: { id: number; presence: string }[] }>('GET', '/agents')).items.find((a) => a.id === id)?.presence;

async function setPresence(p: Page, to: 'Online' | 'Away') {
  await p.click('kf-sidebar .me');
  await p.click(`kf-sidebar .pop button:has-text("${to}")`);
  await p.waitForSelector(`kf-sidebar .me .status:has-text("${to}")`);
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('notifications');
  server = await startAgentServer(webRoot, { channels: { widget: [{ name: 'website', allowed_origins: [SITE] }] } });
  meiId = (await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD })).id;
  admin = await apiAs(server, server.admin.email);
  browser = await launchChromium();
  meiContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await meiContext.grantPermissions(['notifications'], { origin: server.url });
  await meiContext.addInitScript(recordAlerts);
  mei = await meiContext.newPage();
  mei.setDefaultTimeout(8000);
  await signIn(mei, 'mei@example.test');
  // Real focus instead of Playwright's "every page is focused", so the app can tell it is in the background.
  const cdp = await meiContext.newCDPSession(mei);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  elsewhere = await meiContext.newPage();
  await workElsewhere();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('notifications', () => {
  it('announces a new chat with a desktop notification and the chime', async () => {
    await workElsewhere();
    const before = await recorded(mei);
    await inboundChat(server.ctx, 'visitor-maria', 'Maria Gomez', 'Hi! Is the blue jacket in stock?');
    await expect.poll(async () => (await recorded(mei)).notifications.length).toBe(before.notifications.length + 1);
    const after = await recorded(mei);
    expect(after.notifications.at(-1)).toEqual({ title: 'New chat from Maria Gomez', body: 'Hi! Is the blue jacket in stock?' });
    expect(after.tones).toBe(before.tones + 2);
    expect(after.states).toEqual(['running']);
  });

  it('notifies about a customer message on a ticket assigned to me', async () => {
    await workElsewhere();
    await chatForMei('visitor-ana', 'Ana Souza', 'Hello');
    const before = await recorded(mei);
    await inboundChat(server.ctx, 'visitor-ana', 'Ana Souza', 'Do you ship to Canada?');
    await expect.poll(async () => (await recorded(mei)).notifications.length).toBe(before.notifications.length + 1);
    const after = await recorded(mei);
    expect(after.notifications.at(-1)).toEqual({ title: 'New message from Ana Souza', body: 'Do you ship to Canada?' });
    expect(after.tones).toBe(before.tones + 2);
  });

  it('notifies me of a mention in another agent’s note, and the notification opens the ticket', async () => {
    await workElsewhere();
    const ticketId = await chatForMei('visitor-tom', 'Tom Berg', 'Hi there');
    const before = await recorded(mei);
    await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'note', text: '@Mei Lin can you check the Canada rates?' });
    await expect.poll(async () => (await recorded(mei)).notifications.length).toBe(before.notifications.length + 1);
    expect((await recorded(mei)).notifications.at(-1)).toEqual({ title: 'Alex Admin mentioned you', body: '@Mei Lin can you check the Canada rates?' });
    await mei.evaluate(() => (window as unknown as { __kf: Recorder }).__kf.clicks.at(-1)?.());
    await mei.waitForFunction((id) => location.hash.endsWith(`/ticket/${id}`), ticketId);
    await mei.waitForSelector('kf-timeline article.note');
  });

  it('shows no desktop notification while the app has focus, but still chimes', async () => {
    await workElsewhere();
    const ticketId = await chatForMei('visitor-lea', 'Lea Roth', 'Hi');
    await workInApp();
    await mei.evaluate((h) => (location.hash = h), `#/inbox/mine/ticket/${ticketId}`);
    await mei.waitForSelector('kf-timeline article.inbound');
    const before = await recorded(mei);
    await inboundChat(server.ctx, 'visitor-lea', 'Lea Roth', 'Never mind, found it.');
    await mei.waitForSelector('kf-timeline article.inbound:has-text("Never mind, found it.")');
    await expect.poll(async () => (await recorded(mei)).tones).toBe(before.tones + 2);
    expect((await recorded(mei)).notifications).toEqual(before.notifications);
  });

  it('stays silent once desktop notifications and sound are switched off in the profile', async () => {
    await workElsewhere();
    const ticketId = await chatForMei('visitor-ken', 'Ken Ito', 'Hi');
    await workInApp();
    await mei.evaluate(() => (location.hash = '#/profile'));
    await mei.waitForSelector('kf-profile input[type=checkbox]');
    const boxes = mei.locator('kf-profile .toggle input[type=checkbox]');
    await boxes.nth(0).uncheck();
    await boxes.nth(1).uncheck();
    await expect
      .poll(async () => (await admin<{ items: { id: number; preferences: Record<string, unknown> }[] }>('GET', '/agents')).items.find((a) => a.id === meiId)?.preferences)
      .toEqual({ desktopNotifications: false, sound: false });

    await mei.evaluate(() => (location.hash = '#/inbox/mine'));
    await mei.waitForSelector(`kf-ticket-list .row[data-ticket-id="${ticketId}"]`);
    await workElsewhere();
    const before = await recorded(mei);
    await inboundChat(server.ctx, 'visitor-ken', 'Ken Ito', 'Hello? Anyone?');
    await admin('POST', `/tickets/${ticketId}/messages`, { kind: 'note', text: '@Mei Lin ping' });
    const fresh = await inboundChat(server.ctx, 'visitor-ivy', 'Ivy Chen', 'A brand new chat');
    // The app has all three events once the list shows them; only then can "nothing shown" mean anything.
    await mei.waitForSelector(`kf-ticket-list .row[data-ticket-id="${ticketId}"]:has-text("ping")`);
    await mei.evaluate(() => (location.hash = '#/inbox/all'));
    await mei.waitForSelector(`kf-ticket-list .row[data-ticket-id="${fresh.ticketId}"]`);
    const after = await recorded(mei);
    expect(after.notifications).toEqual(before.notifications);
    expect(after.tones).toBe(before.tones);
  });
});

describe('presence', () => {
  it('shows away to another agent live and takes the widget offline when nobody is online', async () => {
    await workInApp();
    expect(await widgetOnline()).toBe(true);
    const adminPage = await signedInPage(browser, server, { waitForSocket: true });
    await adminPage.evaluate(() => (location.hash = '#/admin/agents'));
    const meiPresence = adminPage.locator('kf-admin-agents tr:has-text("mei@example.test") .presence');
    await expect.poll(() => meiPresence.textContent()).toBe('Online');
    await setPresence(adminPage, 'Away');
    await expect.poll(() => presenceOf(server.admin.id)).toBe('away');
    expect(await widgetOnline()).toBe(true);

    await setPresence(mei, 'Away');
    await expect.poll(() => meiPresence.textContent()).toBe('Away');
    expect(await presenceOf(meiId)).toBe('away');
    expect(await widgetOnline()).toBe(false);

    await setPresence(mei, 'Online');
    await expect.poll(() => meiPresence.textContent()).toBe('Online');
    expect(await widgetOnline()).toBe(true);
    await adminPage.context().close();
  });

  it('keeps away across a reload of the app', async () => {
    await workInApp();
    await setPresence(mei, 'Away');
    await expect.poll(() => presenceOf(meiId)).toBe('away');
    const hello = socketHello(mei);
    await mei.reload();
    await hello;
    await mei.waitForSelector('kf-sidebar .me .status:has-text("Away")');
    // The old page's socket is gone and the new one is the only one: what it says now is Mei's presence.
    await expect.poll(openSockets).toBe(1);
    await expect.poll(() => presenceOf(meiId)).toBe('away');
    expect(await widgetOnline()).toBe(false);
    await setPresence(mei, 'Online');
    await expect.poll(() => presenceOf(meiId)).toBe('online');
  });
});
