// When the server fails or the network goes away, the app says so in words and recovers: never a blank
// screen, never a lost draft, nothing missed once the connection is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium } from '../helpers/browser.js';
import { apiAs, buildAgentApp, inboundChat, inboundEmail, openTicket as showTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let api: ApiCall;

const SERVER_ERROR = 'The server had a problem. Please try again.';

/** What the server's error handler sends for an unexpected failure. */
const fail500 = { status: 500, contentType: 'application/json', body: JSON.stringify({ error: { code: 'internal', message: 'Internal Server Error' } }) };

const openTicket = (id: number) => showTicket(page, id);

beforeAll(async () => {
  const webRoot = await buildAgentApp('resilience');
  server = await startAgentServer(webRoot);
  api = await apiAs(server, server.admin.email);
  browser = await launchChromium();
  page = await signedInPage(browser, server);
  context = page.context();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('server errors', () => {
  it('says the server had a problem when a reply fails, keeps the draft, and sends it on the next try', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-err', 'Err Visitor', 'Is my order on its way?');
    await openTicket(ticketId);
    await page.route('**/api/v1/tickets/*/messages', (route) => (route.request().method() === 'POST' ? route.fulfill(fail500) : route.continue()));
    await page.click('kf-composer textarea');
    await page.keyboard.type('It left the warehouse this morning.');
    await page.keyboard.press('Enter');
    await page.waitForSelector('kf-toaster .toast.error');
    expect(await page.locator('kf-toaster .toast.error').textContent()).toBe(SERVER_ERROR);
    expect(await page.locator('kf-composer textarea').inputValue()).toBe('It left the warehouse this morning.');

    await page.unroute('**/api/v1/tickets/*/messages');
    await page.keyboard.press('Enter');
    await page.waitForSelector('kf-timeline article.outbound');
    const { messages } = await api<{ messages: { kind: string; text: string }[] }>('GET', `/tickets/${ticketId}`);
    expect(messages.filter((m) => m.kind === 'outbound').map((m) => m.text)).toEqual(['It left the warehouse this morning.']);
  });

  it('shows a readable message with a retry when a ticket cannot be loaded', async () => {
    const { ticketId } = await inboundEmail(server.ctx, { email: 'kim@example.test', name: 'Kim Lee' }, 'Wrong size', 'I got an L instead of an M.');
    await page.route(`**/api/v1/tickets/${ticketId}`, (route) => route.fulfill(fail500));
    await page.evaluate((h) => (location.hash = h), `#/inbox/all/ticket/${ticketId}`);
    await page.waitForSelector('kf-ticket-view .state[role=alert]');
    expect(await page.locator('kf-ticket-view .state[role=alert] span').textContent()).toBe(SERVER_ERROR);
    await page.unroute(`**/api/v1/tickets/${ticketId}`);
    await page.click('kf-ticket-view .state button:has-text("Try again")');
    await page.waitForSelector('kf-timeline article.inbound:has-text("I got an L instead of an M.")');
  });

  it('reports a real server failure on a settings page instead of an empty table', async () => {
    // A broken database table makes the server itself answer 500, no stand-in involved.
    await server.ctx.db.schema.alterTable('canned_replies').renameTo('canned_replies_away').execute();
    try {
      const res = await server.app.inject({ method: 'GET', url: '/api/v1/canned-replies', headers: await cookieHeaders() });
      expect(res.statusCode).toBe(500);
      await page.evaluate(() => (location.hash = '#/admin/canned'));
      await page.waitForSelector('kf-admin-canned [role=alert]');
      expect(await page.locator('kf-admin-canned [role=alert]').textContent()).toBe(SERVER_ERROR);
    } finally {
      await server.ctx.db.schema.alterTable('canned_replies_away').renameTo('canned_replies').execute();
    }
  });

  it('starts with a readable error and a retry button when the server fails at load, never a blank page', async () => {
    const other = await context.newPage();
    other.setDefaultTimeout(8000);
    await other.route('**/api/v1/me', (route) => route.fulfill(fail500));
    await other.goto(server.url);
    await other.waitForSelector('kf-app .fail');
    expect(await other.locator('kf-app .fail strong').textContent()).toBe('Something went wrong');
    expect(await other.locator('kf-app .fail .muted').textContent()).toBe(SERVER_ERROR);
    await other.unroute('**/api/v1/me');
    await other.click('kf-app .fail button:has-text("Try again")');
    await other.waitForSelector('kf-sidebar');
    await other.close();
  });

  it('says the server cannot be reached when the network is gone at load', async () => {
    const other = await context.newPage();
    other.setDefaultTimeout(8000);
    await other.route('**/api/v1/me', (route) => route.abort('connectionrefused'));
    await other.goto(server.url);
    await other.waitForSelector('kf-app .fail');
    expect(await other.locator('kf-app .fail .muted').textContent()).toBe("Can't reach the server. Check your connection.");
    await other.close();
  });
});

describe('network drop', () => {
  it('shows the reconnecting state while offline and catches up on everything missed once back', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-drop', 'Drop Visitor', 'Hello?');
    await openTicket(ticketId);

    await context.setOffline(true);
    const wss = (server.app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } }).websocketServer;
    for (const client of wss.clients) client.terminate();
    await page.waitForSelector('kf-shell .banner');
    expect(await page.locator('kf-shell .banner').textContent()).toContain('Connection lost. Reconnecting…');

    // While the browser cannot reach the server: a reply on the open ticket and a brand-new ticket.
    await inboundChat(server.ctx, 'visitor-drop', 'Drop Visitor', 'Are you still there?');
    const fresh = await inboundChat(server.ctx, 'visitor-new', 'New While Offline', 'First message');
    // A reconnect attempt fails while offline: the banner stays and nothing new has arrived yet.
    const attempt = await page.waitForEvent('websocket');
    await new Promise((settled) => {
      attempt.on('socketerror', settled);
      attempt.on('close', settled);
    });
    expect(await page.locator('kf-shell .banner').count()).toBe(1);
    expect(await page.locator('kf-timeline article.inbound:has-text("Are you still there?")').count()).toBe(0);

    await context.setOffline(false);
    await page.waitForSelector('kf-shell .banner', { state: 'detached', timeout: 20_000 });
    await page.waitForSelector('kf-timeline article.inbound:has-text("Are you still there?")');
    await page.waitForSelector(`kf-ticket-list .row[data-ticket-id="${fresh.ticketId}"]`);
    // The counts in the sidebar are the server's again, the new ticket included.
    const { all } = await api<{ all: number }>('GET', '/tickets/counts');
    await expect.poll(() => page.locator('kf-sidebar a.item[href="#/inbox/all"] .count').textContent()).toBe(String(all));
  }, 40_000);
});

describe('a send whose answer is lost', () => {
  it('retries with the same Idempotency-Key, so the reply is written once; the next reply gets a new key', async () => {
    const { ticketId } = await inboundChat(server.ctx, 'visitor-lost', 'Lost Answer', 'Did my photo arrive?');
    await openTicket(ticketId);
    const keys: string[] = [];
    let dropped = false;
    await page.route('**/api/v1/tickets/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      keys.push((await route.request().headerValue('idempotency-key')) ?? '');
      if (dropped) return route.continue();
      dropped = true;
      // The server gets the reply and writes it; only its answer never reaches the browser.
      await route.fetch();
      return route.abort('connectionreset');
    });
    try {
      await page.click('kf-composer textarea');
      await page.keyboard.type('Yes, it came through.');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('kf-composer textarea').inputValue(), { timeout: 8000 }).toBe('');
      await page.keyboard.type('Anything else?');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('kf-composer textarea').inputValue(), { timeout: 8000 }).toBe('');
    } finally {
      await page.unroute('**/api/v1/tickets/*/messages');
    }
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[\x21-\x7e]{16,255}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    const { messages } = await api<{ messages: { kind: string; text: string }[] }>('GET', `/tickets/${ticketId}`);
    expect(messages.filter((m) => m.kind === 'outbound').map((m) => m.text)).toEqual(['Yes, it came through.', 'Anything else?']);
  });
});

describe('signed out elsewhere', () => {
  it('goes to sign-in when the server closes the live connection as signed out, instead of reconnecting', async () => {
    const agent = await createAgent(server.ctx, { email: 'rae@example.test', name: 'Rae Voss', role: 'agent', password: PASSWORD });
    const rae = await signedInPage(browser, server, { email: agent.email, waitForSocket: true });
    try {
      const attempts: string[] = [];
      rae.on('websocket', (ws) => attempts.push(ws.url()));
      // An admin resets Rae's password: her session ends and the server closes her socket with 4401.
      await api('PATCH', `/agents/${agent.id}`, { password: 'a new password for rae' });
      await rae.waitForSelector('kf-login[overlay]');
      expect(await rae.locator('kf-shell .banner').count()).toBe(0);
      expect(attempts).toEqual([]);
      // Signing in again in place brings the live connection back.
      const hello = rae
        .waitForEvent('websocket')
        .then((ws) => ws.waitForEvent('framereceived', { predicate: (f) => String(f.payload).includes('"type":"hello"') }));
      await rae.fill('kf-login[overlay] input[name=password]', 'a new password for rae');
      await rae.click('kf-login[overlay] button[type=submit]');
      await rae.waitForSelector('kf-login[overlay]', { state: 'detached' });
      await hello;
    } finally {
      await rae.context().close();
    }
  });

  it('goes to sign-in when the session ended while the live connection was down, instead of retrying forever', async () => {
    const agent = await createAgent(server.ctx, { email: 'ode@example.test', name: 'Ode Park', role: 'agent', password: PASSWORD });
    const ode = await signedInPage(browser, server, { email: agent.email, waitForSocket: true });
    try {
      await ode.context().setOffline(true);
      const wss = (server.app as unknown as { websocketServer: { clients: Set<{ terminate(): void }> } }).websocketServer;
      for (const client of wss.clients) client.terminate();
      await ode.waitForSelector('kf-shell .banner');
      // The session ends while nothing is connected, so no socket can be told with a 4401.
      await server.ctx.db.deleteFrom('sessions').where('agent_id', '=', agent.id).execute();
      await ode.context().setOffline(false);
      await ode.waitForSelector('kf-login[overlay]', { timeout: 20_000 });
      expect(await ode.locator('kf-login[overlay] input[name=email]').inputValue()).toBe(agent.email);
    } finally {
      await ode.context().close();
    }
  }, 40_000);
});

async function cookieHeaders(): Promise<Record<string, string>> {
  const cookies = await context.cookies(server.url);
  return { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}
