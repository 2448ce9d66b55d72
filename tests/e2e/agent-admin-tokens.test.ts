// Settings → API tokens for an admin: every agent's tokens, filtered by agent, revoked from the screen.
import { copyFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
const secrets = new Map<string, string>();

const asToken = (secret: string) =>
  server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } });

async function mint(email: string, names: string[]) {
  const api = await apiAs(server, email);
  for (const name of names) secrets.set(name, (await api<{ secret: string }>('POST', '/me/tokens', { name })).secret);
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('admin-tokens');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD });
  await createAgent(server.ctx, { email: 'sam@example.test', name: 'Sam Supervisor', role: 'supervisor', password: PASSWORD });
  await createAgent(server.ctx, { email: 'zhang@example.test', name: '张伟', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  await mint('mei@example.test', ['CRM sync', 'Zapier']);
  await mint('sam@example.test', ['Reporting export']);
  await mint(server.admin.email, ['Backup script']);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function tokensPage(email: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const page = await signedInPage(browser, server, { email, context: { viewport } });
  page.on('dialog', (d) => void d.accept());
  await page.evaluate(() => (location.hash = '#/admin/tokens'));
  await page.waitForSelector('kf-admin-tokens .panel');
  return page;
}

async function shoot(page: Page, name: string) {
  const file = screenshotPath(name);
  await page.screenshot({ path: file });
  mkdirSync('/tmp/shots-auth', { recursive: true });
  copyFileSync(file, `/tmp/shots-auth/${name}.png`);
}

describe('admin tokens screen', () => {
  it('lists every agent’s tokens with their owner, and filters by agent', async () => {
    const page = await tokensPage(server.admin.email);
    const rows = page.locator('kf-admin-all-tokens tbody tr');
    await page.waitForSelector('kf-admin-all-tokens tbody tr:has-text("Reporting export")');
    expect(await rows.count()).toBe(4);
    expect(await page.locator('kf-admin-all-tokens tbody tr:has-text("CRM sync")').textContent()).toContain('Mei Lin');
    await shoot(page, 'admin-tokens-en-1440');

    const mei = await server.ctx.db.selectFrom('agents').select('id').where('email', '=', 'mei@example.test').executeTakeFirstOrThrow();
    await page.locator('kf-admin-all-tokens select').selectOption(String(mei.id));
    await page.waitForSelector('kf-admin-all-tokens tbody:not(:has-text("Reporting export"))');
    expect(await rows.count()).toBe(2);
    await page.context().close();
  });

  it('revokes another agent’s token from the screen, and the token stops working', async () => {
    expect((await asToken(secrets.get('Zapier')!)).statusCode).toBe(200);
    const page = await tokensPage(server.admin.email);
    const row = page.locator('kf-admin-all-tokens tbody tr:has-text("Zapier")');
    await row.locator('button:has-text("Revoke")').click();
    await page.waitForSelector('kf-admin-all-tokens tbody tr:has-text("Zapier") :text("Revoked")');
    expect((await asToken(secrets.get('Zapier')!)).statusCode).toBe(401);
    expect((await asToken(secrets.get('CRM sync')!)).statusCode).toBe(200);
    await page.context().close();
  });

  it('shows a supervisor only their own tokens', async () => {
    const page = await tokensPage('sam@example.test');
    await page.waitForSelector('kf-admin-tokens tbody tr:has-text("Reporting export")');
    expect(await page.locator('kf-admin-all-tokens').count()).toBe(0);
    expect(await page.locator('kf-admin-tokens tbody tr').count()).toBe(1);
    await page.context().close();
  });

  it('fits a phone and reads in Chinese (screenshots to look at)', async () => {
    const phone = await tokensPage(server.admin.email, { width: 375, height: 812 });
    await phone.waitForSelector('kf-admin-all-tokens tbody tr:has-text("CRM sync")');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(phone, 'admin-tokens-en-375');
    await phone.locator('kf-admin-all-tokens').scrollIntoViewIfNeeded();
    await shoot(phone, 'admin-tokens-en-375-all');
    await phone.context().close();

    for (const [viewport, name] of [
      [{ width: 1440, height: 900 }, 'admin-tokens-zh-cn-1440'],
      [{ width: 375, height: 812 }, 'admin-tokens-zh-cn-375'],
    ] as const) {
      const page = await tokensPage('zhang@example.test', viewport);
      await page.waitForSelector('kf-admin-all-tokens tbody tr:has-text("CRM sync")');
      expect(await page.locator('kf-admin-all-tokens h2').textContent()).toContain('所有客服人员的令牌');
      await shoot(page, name);
      if (viewport.width === 375) {
        await page.locator('kf-admin-all-tokens').scrollIntoViewIfNeeded();
        await shoot(page, `${name}-all`);
      }
      await page.context().close();
    }
  });
});
