// A real Kefu listening on a free loopback port with the built agent app, for Chromium tests.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { withTestDatabase } from '../helpers/app.js';
import { createContext, type AppContext } from '../../server/context.js';
import { intake } from '../../server/intake/intake.js';
import type { InboundMessage } from '../../server/intake/types.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { screenshotPath } from '../helpers/browser.js';
import { gradientPng } from '../helpers/png.js';

export const PASSWORD = 'correct horse battery';

/**
 * Builds the agent app the way `npm run build:web` does, into a folder of its own: a fresh clone has no
 * dist/ yet, and two test files building at once must not share an output folder.
 */
export async function buildAgentApp(name: string, outDir = path.resolve('tests/.tmp', `agent-web-${name}`)): Promise<string> {
  const { build } = await import('vite');
  const root = path.resolve('web');
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: false,
    root,
    base: '/',
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', rollupOptions: { input: { app: path.join(root, 'index.html') } } },
  });
  return outDir;
}

export interface AgentServer {
  url: string;
  ctx: AppContext;
  app: App;
  admin: { id: number; email: string };
  close(): Promise<void>;
}

export async function startAgentServer(
  webRoot: string,
  overrides: Record<string, unknown> = {},
  options: { withAdmin?: boolean } = {},
): Promise<AgentServer> {
  if (!existsSync(path.join(webRoot, 'index.html'))) throw new Error(`no built agent app in ${webRoot}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-'));
  // The channels the fixtures below write tickets on, so those tickets can be answered (nothing is sent:
  // no worker runs here); a test's own channels of a kind replace these.
  const channels = {
    email: [{ name: 'support', address: 'support@example.test', smtp: { host: '127.0.0.1', port: 2525, security: 'none' } }],
    widget: [{ name: 'website', allowed_origins: ['https://shop.example.com'] }],
    ...(overrides.channels as Record<string, unknown> | undefined),
  };
  const config = configFromObject(await withTestDatabase({ ...overrides, channels, data_dir: dataDir, log: { level: 'silent' } }));
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const admin =
    options.withAdmin === false
      ? { id: 0, email: '' }
      : await createAgent(ctx, { email: 'admin@example.test', name: 'Alex Admin', role: 'admin', password: PASSWORD });
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    app,
    admin: { id: admin.id, email: admin.email },
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

/** A customer email arriving through intake, as the email channel would hand it over. */
export function inboundEmail(ctx: AppContext, from: { email: string; name: string }, subject: string, text: string, html?: string) {
  const msg: InboundMessage = {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: from.email }, name: from.name, email: from.email },
    subject,
    text,
    html: html ?? null,
    idempotencyKey: `<e2e-${Date.now()}-${++seq}@example.test>`,
  };
  return intake(ctx, msg);
}

/** A widget chat message from a visitor. */
export function inboundChat(ctx: AppContext, visitor: string, name: string, text: string, key = `chat-${visitor}`) {
  const msg: InboundMessage = {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: visitor }, name },
    thread: { key },
    text,
    idempotencyKey: `e2e-chat-${Date.now()}-${++seq}`,
  };
  return intake(ctx, msg);
}

/** A widget visitor sending a photo (an 800×600 PNG) of a torn tent: the ticket the lightbox is checked on. */
export function inboundPhotoChat(ctx: AppContext, idempotencyKey: string) {
  return intake(ctx, {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: 'v-photo' }, name: 'Pia Photo' },
    thread: { key: 'photo-chat' },
    text: 'This is how the tent arrived',
    attachments: [{ filename: 'torn-tent.png', contentType: 'image/png', content: gradientPng(800, 600, [200, 60, 40], [30, 80, 200]) }],
    idempotencyKey,
  });
}

export type ApiCall = <T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => Promise<T>;

/** Calls /api/v1 as the given agent through app.inject, the way the browser would (cookie + CSRF). */
export async function apiAs(server: AgentServer, email: string, password = PASSWORD): Promise<ApiCall> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  const cookie = `kefu_session=${res.cookies.find((c) => c.name === 'kefu_session')?.value ?? ''}`;
  return async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<T> => {
    const r = await server.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: { cookie, 'x-csrf-token': csrf },
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return (r.body ? r.json() : undefined) as T;
  };
}

/** Resolves when the next websocket the page opens has had the server's hello: from then on live events reach it. */
export async function socketHello(page: Page): Promise<void> {
  const ws = await page.waitForEvent('websocket');
  await ws.waitForEvent('framereceived', { predicate: (f) => String(f.payload).includes('"type":"hello"') });
}

/**
 * Signs in through the app's own form, as an agent would, and waits for the signed-in frame; with
 * `waitForSocket`, also for the app's websocket hello.
 */
export async function signIn(
  page: Page,
  server: AgentServer,
  email: string = server.admin.email,
  options: { password?: string; waitForSocket?: boolean } = {},
): Promise<void> {
  await page.goto(server.url);
  await page.fill('kf-login input[name=email]', email);
  await page.fill('kf-login input[name=password]', options.password ?? PASSWORD);
  const hello = options.waitForSocket ? socketHello(page) : null;
  await page.click('kf-login button[type=submit]');
  await page.waitForSelector('kf-sidebar');
  await hello;
}

/** Moves the app to a route the way a link would, and waits for `ready` to show. */
export async function goTo(page: Page, hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForSelector(ready);
}

/** Opens a ticket by its route and waits until that ticket's timeline (not the one before it) shows messages. */
export function openTicket(page: Page, id: number): Promise<void> {
  return goTo(page, `#/inbox/all/ticket/${id}`, `kf-ticket-view[data-ticket="${id}"] kf-timeline article[data-kind]`);
}

/** A screenshot once lazily painted parts (timeline entries, email frames) have had two frames to settle. */
export async function settledScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.screenshot({ path: screenshotPath(name) });
}

/**
 * A page in a browser context of its own (so its own cookies), signed in: the admin unless `email` says
 * otherwise. Waits are capped at 8 s so a missing element fails the test instead of the suite timeout.
 */
export async function signedInPage(
  browser: Browser,
  server: AgentServer,
  options: { email?: string; context?: BrowserContextOptions; waitForSocket?: boolean } = {},
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options.context });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  await signIn(page, server, options.email, { waitForSocket: options.waitForSocket ?? false });
  return page;
}
