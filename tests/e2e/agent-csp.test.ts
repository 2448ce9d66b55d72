// The agent app under its Content-Security-Policy in real Chromium: every screen works with no
// violation reported, and another site cannot frame the sign-in page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { buildAgentApp, inboundEmail, openTicket, socketHello, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let evil: Server;
let evilUrl: string;

beforeAll(async () => {
  const webRoot = await buildAgentApp('csp');
  server = await startAgentServer(webRoot);
  browser = await launchChromium();
  // Another origin (another port) that tries to frame the sign-in page.
  evil = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><h1>Win a prize</h1><iframe id="victim" src="${server.url}/" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => evil?.close(resolve));
});

/** Every CSP violation the page reports, from the console and from the DOM event. */
function watchViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  void page.exposeFunction('__kfViolation', (v: string) => seen.push(v));
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __kfViolation(v: string): void }).__kfViolation(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return seen;
}

describe('the agent app under its CSP', () => {
  it('signs in, opens the live socket, shows an email ticket and every settings screen without a violation', async () => {
    const { ticketId } = await inboundEmail(
      server.ctx,
      { email: 'lin@example.com', name: 'Lin' },
      'Styled mail',
      'Hello',
      '<style>p{color:#336}</style><p style="font-weight:bold">Hello <b>there</b></p>',
    );
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const violations = watchViolations(page);

    const response = await page.goto(server.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('kf-login input[name=email]', server.admin.email);
    await page.fill('kf-login input[name=password]', 'correct horse battery');
    const hello = socketHello(page);
    await page.click('kf-login button[type=submit]');
    await page.waitForSelector('kf-sidebar');
    await hello;

    await openTicket(page, ticketId);
    await page.waitForSelector('kf-email-frame iframe');
    const frame = page.frames().find((f) => f.url() === 'about:srcdoc');
    expect(frame).toBeDefined();
    await frame!.waitForSelector('p b');

    for (const section of ['agents', 'teams', 'labels', 'canned', 'rules', 'channels', 'hours', 'sla', 'tokens']) {
      await page.evaluate((h) => (location.hash = h), `#/admin/${section}`);
      await page.waitForSelector(`kf-admin-${section}`);
    }
    await page.evaluate(() => (location.hash = '#/profile'));
    await page.waitForSelector('kf-profile');
    await page.evaluate(() => (location.hash = '#/contacts'));
    await page.waitForSelector('kf-contacts');

    expect(violations).toEqual([]);
    await context.close();
  });

  it('refuses to be framed by another site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors|X-Frame-Options/i.test(m.text()), timeout: 15_000 });
    await page.goto(evilUrl);
    expect((await refused).text()).toMatch(/frame-ancestors 'none'/);
    const victim = page.frames().find((f) => f !== page.mainFrame());
    expect(await victim?.locator('kf-login').count()).toBe(0);
    await context.close();
  });
});
