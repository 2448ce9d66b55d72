// An identified widget visitor opens "My tickets" from the chat menu and lands in the portal signed in.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { withTestDatabase } from '../helpers/app.js';
import { createContext, type AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { launchChromium } from '../helpers/browser.js';
import { buildWidget } from '../helpers/widget-build.js';
import { chatFrame, embedPage, hostPage, identifyScript, type HostPage } from './widget-setup.js';

const SECRET = 'acme-identity-secret-2026';
const SHOTS = '/tmp/shots-portal';
let site: HostPage;
let ctx: AppContext;
let app: App;
let browser: Browser;
let dataDir = '';
let kefuUrl = '';

/** The portal link is absolute (public_url): Kefu must listen where its config says it does. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  site = await hostPage();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-e2e-portal-'));
  const webRoot = await buildWidget(path.join(dataDir, 'web'));
  const port = await freePort();
  kefuUrl = `http://localhost:${port}`;
  const config = configFromObject(await withTestDatabase({
    data_dir: dataDir,
    log: { level: 'silent' },
    server: { port, public_url: kefuUrl },
    channels: { widget: [{ name: 'website', allowed_origins: [site.origin], offline_when_no_agent: false, identity_secret: SECRET, title: 'Acme Support' }] },
  }));
  ctx = await createContext(config, createLogger('silent', { pretty: false }));
  app = await buildApp(ctx, { webRoot });
  await app.listen({ port, host: '127.0.0.1' });
  site.set('/account', embedPage(kefuUrl, 'website', identifyScript(SECRET, { id: 'user-7', name: 'Grace Hopper', email: 'grace@example.com' })));
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
  await site?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('widget → portal', () => {
  it('opens the identified visitor’s tickets in the portal, signed in, from the chat menu', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    try {
      await page.goto(`${site.origin}/account`);
      const chat = chatFrame(page);
      await chat.locator('.launcher').click();
      await chat.locator('textarea').fill('Is my tent order shipped?');
      await chat.locator('textarea').press('Enter');
      await chat.locator('[data-status]').last().waitFor();
      await chat.locator('button[aria-label="More options"]').click();
      await chat.locator('[data-action="portal"]').waitFor();
      await page.screenshot({ path: `${SHOTS}/widget-menu-en-desktop.png` });
      const [portal] = await Promise.all([context.waitForEvent('page'), chat.locator('[data-action="portal"]').click()]);
      // One press of "Sign in" on the page the one-time link opens.
      const confirm = portal.locator('form[data-portal="confirm"]');
      expect(await confirm.textContent()).toContain('grace@example.com');
      await portal.screenshot({ path: `${SHOTS}/widget-portal-confirm-en-desktop.png` });
      await confirm.locator('button[type=submit]').click();
      await portal.waitForURL(`${kefuUrl}/help/tickets`);
      await portal.locator('table.tickets').waitFor();
      expect(await portal.locator('table.tickets').textContent()).toContain('Is my tent order shipped?');
      expect(await portal.locator('.portal-bar').textContent()).toContain('grace@example.com');
      await portal.screenshot({ path: `${SHOTS}/widget-portal-en-desktop.png` });
    } finally {
      await context.close();
    }
  }, 60_000);
});
