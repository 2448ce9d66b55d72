// Settings → Webhooks: an admin adds a webhook, copies its secret, sends a test ping the receiver can
// verify, reads the delivery log, redelivers, turns it off and deletes it; supervisors do not see it.
import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, languageAndSizeShots, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { startReceiver, type Receiver } from '../server/webhooks/receiver.js';
import { buildAgentApp, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let rx: Receiver;

beforeAll(async () => {
  rx = await startReceiver();
  const webRoot = await buildAgentApp('admin-webhooks');
  // The receiver is on loopback, which deliveries refuse unless private networks are allowed.
  server = await startAgentServer(webRoot, { webhooks: { allow_private_networks: true } });
  await createAgent(server.ctx, { email: 'sam@example.test', name: 'Sam Supervisor', role: 'supervisor', password: PASSWORD });
  await createAgent(server.ctx, { email: 'zhang@example.test', name: '张伟', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rx?.close();
});

async function webhooksPage(email: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await signedInPage(browser, server, { email, context: { viewport } });
  page.on('dialog', (d) => void d.accept());
  await page.evaluate(() => (location.hash = '#/admin/webhooks'));
  await page.waitForSelector('kf-admin-webhooks .hooks');
  return page;
}

async function shoot(page: Page, name: string) {
  const file = screenshotPath(name);
  await page.screenshot({ path: file });
  mkdirSync('/tmp/shots-webhooks', { recursive: true });
  copyFileSync(file, `/tmp/shots-webhooks/${name}.png`);
}

/** Sends what the outbox has due (no worker runs in these tests), then refreshes the open log. */
async function deliverAndRefresh(page: Page) {
  await server.ctx.webhooks.idle();
  await server.ctx.outbox.runOnce();
  await page.locator('kf-webhook-deliveries button:has-text("Refresh")').click();
}

describe('admin webhooks screen', () => {
  it('adds a webhook, shows its secret once, and a test ping reaches the receiver signed with it', async () => {
    const page = await webhooksPage(server.admin.email);
    await page.fill('kf-admin-webhooks input[name=url]', rx.url);
    await page.fill('kf-admin-webhooks input[name=description]', 'CRM sync');
    await page.check('kf-admin-webhooks input[value="contact.created"]');
    await page.click('kf-admin-webhooks button:has-text("Add webhook")');
    const secret = (await page.locator('kf-admin-webhooks .secret code').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const hook = page.locator('kf-admin-webhooks .hook', { hasText: rx.url });
    await hook.waitFor();
    expect(await hook.locator('.chip').allTextContents()).toEqual(['Ticket created', 'New message', 'Contact created']);

    await hook.locator('button:has-text("Send test")').click();
    await page.waitForSelector('kf-webhook-deliveries tr[data-delivery]');
    await deliverAndRefresh(page);
    const row = page.locator('kf-webhook-deliveries tr[data-delivery]').first();
    await row.locator('.status.delivered').waitFor();
    expect(await row.textContent()).toContain('200');

    const ping = rx.calls.find((c) => c.headers['x-kefu-event'] === 'ping');
    const ts = String(ping?.headers['x-kefu-timestamp']);
    expect(ping?.headers['x-kefu-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${ts}.${ping?.raw}`).digest('hex')}`);

    // A failing receiver: the log says so, with the code it answered.
    rx.answers = [500];
    await inboundEmail(server.ctx, { email: 'ann@example.org', name: 'Ann' }, 'Where is my order?', 'Hello, order 1042 has not arrived.');
    await deliverAndRefresh(page);
    await page.locator('kf-webhook-deliveries .status.retrying').first().waitFor();
    await shoot(page, 'admin-webhooks-en-1440');

    // Redeliver the ping: sent again with the same delivery id.
    const pingId = ping?.headers['x-kefu-delivery'];
    await page.locator(`kf-webhook-deliveries tr[data-delivery="${pingId}"] button:has-text("Redeliver")`).click();
    // The click only starts the request: the outbox is run by hand below, so it must wait until the
    // redelivery is queued (the log shows it pending), or it runs before that is committed.
    await page.locator(`kf-webhook-deliveries tr[data-delivery="${pingId}"] .status.pending`).waitFor();
    await deliverAndRefresh(page);
    await page.locator(`kf-webhook-deliveries tr[data-delivery="${pingId}"] .status.delivered`).waitFor();
    expect(rx.calls.filter((c) => c.headers['x-kefu-delivery'] === pingId)).toHaveLength(2);
    await page.context().close();
  });

  it('turns a webhook off and deletes it', async () => {
    const page = await webhooksPage(server.admin.email);
    const hook = page.locator('kf-admin-webhooks .hook', { hasText: rx.url });
    await hook.locator('button:has-text("Turn off")').click();
    await hook.locator('.state.off').waitFor();
    const row = await server.ctx.db.selectFrom('webhooks').select('enabled').executeTakeFirstOrThrow();
    expect(row.enabled).toBe(0);
    await hook.locator('button:has-text("Turn on")').click();
    await hook.locator('.state.on').waitFor();
    await hook.locator('button:has-text("Delete")').click();
    await page.waitForSelector('kf-admin-webhooks .hooks .empty');
    expect(await server.ctx.db.selectFrom('webhooks').selectAll().execute()).toEqual([]);
    await page.context().close();
  });

  it('keeps finished deliveries for the days the admin sets', async () => {
    const page = await webhooksPage(server.admin.email);
    const input = page.locator('kf-webhook-retention input[name=retention]');
    await expect.poll(() => input.inputValue()).toBe('30');
    await input.fill('14');
    await page.click('kf-webhook-retention button:has-text("Save")');
    await page.waitForSelector('kf-toaster >> text=Delivery log retention saved');
    const row = await server.ctx.db.selectFrom('webhook_settings').select('settings').executeTakeFirstOrThrow();
    expect(JSON.parse(row.settings)).toEqual({ deliveryRetentionDays: 14 });
    await page.context().close();

    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'zhang@example.test')) {
      const p = await webhooksPage(email, viewport);
      await expect.poll(() => p.locator('kf-webhook-retention input[name=retention]').inputValue()).toBe('14');
      await p.locator('kf-webhook-retention').scrollIntoViewIfNeeded();
      expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      if (name.startsWith('zh')) expect(await p.locator('kf-webhook-retention h2').textContent()).toBe('投递记录');
      await p.screenshot({ path: screenshotPath(`admin-webhooks-retention-${name}`) });
      await p.context().close();
    }
  });

  it('is not offered to supervisors', async () => {
    const page = await signedInPage(browser, server, { email: 'sam@example.test' });
    await page.evaluate(() => (location.hash = '#/admin/sla'));
    await page.waitForSelector('kf-admin nav a');
    expect(await page.locator('kf-admin nav a[href="#/admin/webhooks"]').count()).toBe(0);
    await page.evaluate(() => (location.hash = '#/admin/webhooks'));
    await page.waitForSelector('kf-admin .denied');
    await page.context().close();
  });

  it('fits a phone and reads in Chinese (screenshots to look at)', async () => {
    const api = server.app;
    const login = await api.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: server.admin.email, password: PASSWORD } });
    const headers = { cookie: `kefu_session=${login.cookies.find((c) => c.name === 'kefu_session')?.value}`, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken };
    const created = await api.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: { url: rx.url, events: ['ticket.created', 'sla.breached'], description: 'Data warehouse' } });
    const id = created.json<{ webhook: { id: number } }>().webhook.id;
    await api.inject({ method: 'POST', url: `/api/v1/webhooks/${id}/test`, headers });
    await server.ctx.outbox.runOnce();

    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'zhang@example.test')) {
      const page = await webhooksPage(email, viewport);
      const hook = page.locator('kf-admin-webhooks .hook').first();
      await hook.locator('.actions button').first().click();
      await page.waitForSelector('kf-webhook-deliveries tr[data-delivery] .status.delivered');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      if (name.startsWith('zh')) expect(await page.locator('kf-admin-webhooks h1').textContent()).toBe('Webhook');
      await shoot(page, `admin-webhooks-${name}`);
      await hook.scrollIntoViewIfNeeded();
      await shoot(page, `admin-webhooks-${name}-log`);
      await page.context().close();
    }
  });
});
