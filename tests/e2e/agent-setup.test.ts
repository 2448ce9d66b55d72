import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { ensureFirstAdmin } from '../../server/modules/agents/first-run.js';
import { buildAgentApp, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;

beforeAll(async () => {
  server = await startAgentServer(await buildAgentApp('setup'), {}, { withAdmin: false });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('first run', () => {
  it('creates the first admin from the setup link, then signs out and in again', async () => {
    const { setupUrl } = await ensureFirstAdmin(server.ctx);
    const token = new URL(setupUrl ?? '').searchParams.get('token');
    expect(token).toBeTruthy();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    page.setDefaultTimeout(8000);
    await page.addInitScript(() => localStorage.setItem('kefu.language', 'zh-CN'));
    await page.goto(`${server.url}/setup?token=${token}`);
    await page.waitForSelector('kf-setup input[name=name]');
    expect(await page.locator('kf-setup h1').textContent()).toBe('欢迎使用 Kefu');
    expect(await page.locator('kf-setup input[name=token]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('agent-setup-zh') });
    await page.fill('kf-setup input[name=name]', '周敏');
    await page.fill('kf-setup input[name=email]', 'zhou@example.test');
    await page.fill('kf-setup input[name=password]', 'a long enough password');
    await page.fill('kf-setup input[name=confirm]', 'a long enough password');
    await page.click('kf-setup button[type=submit]');
    await page.waitForSelector('kf-sidebar');
    expect(new URL(page.url()).search).toBe('');
    const admin = await server.ctx.db.selectFrom('agents').select(['name', 'role']).where('email', '=', 'zhou@example.test').executeTakeFirst();
    expect(admin).toEqual({ name: '周敏', role: 'admin' });

    await page.click('kf-sidebar .me');
    await page.click('kf-sidebar .pop button:has-text("退出登录")');
    await page.waitForSelector('kf-login input[name=email]');
    await page.fill('kf-login input[name=email]', 'zhou@example.test');
    await page.fill('kf-login input[name=password]', 'wrong password!!');
    await page.click('kf-login button[type=submit]');
    await page.waitForSelector('kf-login .alert');
    expect(await page.locator('kf-login .alert').textContent()).toBe('邮箱或密码错误。');
    await page.fill('kf-login input[name=password]', 'a long enough password');
    await page.click('kf-login button[type=submit]');
    await page.waitForSelector('kf-sidebar');
  });
});
