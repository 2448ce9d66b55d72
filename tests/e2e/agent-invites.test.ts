// Invitations and password resets as people meet them: a link from a mail opened in Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let admin: ApiCall;

const SIZES = [
  { name: 'desktop', width: 1440, height: 900 },
  { name: 'phone', width: 375, height: 812 },
] as const;

beforeAll(async () => {
  // A mailbox whose SMTP nobody answers: mails stay queued in the outbox, where the test reads the links.
  server = await startAgentServer(await buildAgentApp('invites'), {
    channels: { email: [{ name: 'desk', address: 'desk@example.com', smtp: { host: '127.0.0.1', port: 1, security: 'none' } }] },
  });
  admin = await apiAs(server, server.admin.email);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function freshPage(language: 'en' | 'zh-CN', size: { width: number; height: number } = SIZES[0]): Promise<Page> {
  const context = await browser.newContext({ viewport: size, locale: language });
  await context.addInitScript((l) => localStorage.setItem('kefu.language', l), language);
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  return page;
}

async function lastMailTo(email: string): Promise<string> {
  const rows = await server.ctx.db.selectFrom('outbox').select('payload').orderBy('id', 'desc').execute();
  const mail = rows.map((r) => JSON.parse(r.payload) as { to: string; text: string }).find((p) => p.to === email);
  const link = /(http\S+\?token=\S+)/.exec(mail?.text ?? '')?.[1];
  if (!link) throw new Error(`no link mailed to ${email}`);
  // The mailed link names the configured public address; the test server listens elsewhere.
  const url = new URL(link);
  return `${server.url}${url.pathname}${url.search}`;
}

describe('accepting an invitation', () => {
  it('sets a name and password from the mailed link and lands in the app as the new agent', async () => {
    await admin('POST', '/agents/invites', { email: 'li.na@example.test', role: 'agent' });
    const link = await lastMailTo('li.na@example.test');
    const page = await freshPage('zh-CN');
    await page.goto(link);
    await page.waitForSelector('kf-accept-invite input[name=name]');
    expect(await page.locator('kf-accept-invite h1').textContent()).toBe('加入客服团队');
    expect(await page.locator('kf-accept-invite input#email').inputValue()).toBe('li.na@example.test');
    await page.fill('kf-accept-invite input[name=name]', '李娜');
    await page.fill('kf-accept-invite input[name=password]', 'li na password');
    await page.fill('kf-accept-invite input[name=confirm]', 'li na password');
    await page.click('kf-accept-invite button[type=submit]');
    await page.waitForSelector('kf-sidebar');
    expect(new URL(page.url()).search).toBe('');
    const agent = await server.ctx.db.selectFrom('agents').select(['name', 'role', 'language']).where('email', '=', 'li.na@example.test').executeTakeFirst();
    expect(agent).toEqual({ name: '李娜', role: 'agent', language: 'zh-CN' });

    // The same link a second time: used up.
    const again = await freshPage('en');
    await again.goto(link);
    await again.waitForSelector('kf-accept-invite .alert');
    expect(await again.locator('kf-accept-invite .alert').textContent()).toContain('not valid any more');
    await page.context().close();
    await again.context().close();
  });
});

describe('forgot password', () => {
  it('asks for the address on the sign-in page, then the mailed link sets a new password and ends the old session', async () => {
    await createAgent(server.ctx, { email: 'sam@example.test', name: 'Sam Reset', role: 'agent', password: PASSWORD });
    const elsewhere = await signedInPage(browser, server, { email: 'sam@example.test' });

    const page = await freshPage('en');
    await page.goto(server.url);
    await page.click('kf-login button.link:has-text("Forgot password?")');
    await page.fill('kf-login input[name=email]', 'sam@example.test');
    await page.click('kf-login button[type=submit]');
    await page.waitForSelector('kf-login .done');
    expect(await page.locator('kf-login .done').textContent()).toContain('If an account uses sam@example.test');

    await page.goto(await lastMailTo('sam@example.test'));
    await page.waitForSelector('kf-reset-password input[name=password]');
    await page.screenshot({ path: screenshotPath('reset-password-en-desktop') });
    await page.fill('kf-reset-password input[name=password]', 'sam new password');
    await page.fill('kf-reset-password input[name=confirm]', 'sam new password');
    await page.click('kf-reset-password button[type=submit]');
    await page.waitForSelector('kf-sidebar');
    expect(new URL(page.url()).search).toBe('');

    // The browser that was signed in before is signed out at its next request.
    const stale = await elsewhere.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
    expect(stale).toBe(401);
    await page.context().close();
    await elsewhere.context().close();
  });

  it('refuses a confirmation that differs before asking the server, and keeps the link usable', async () => {
    const page = await freshPage('zh-CN');
    await page.goto(`${server.url}/reset-password?token=made-up`);
    await page.fill('kf-reset-password input[name=password]', 'whatever password');
    await page.fill('kf-reset-password input[name=confirm]', 'whatever passwort');
    await page.click('kf-reset-password button[type=submit]');
    await page.waitForSelector('kf-reset-password .alert');
    expect(await page.locator('kf-reset-password .alert').textContent()).toBe('两次输入的密码不一致。');
    // Not sent: a made-up token would have turned the page into "link expired".
    expect(await page.locator('kf-reset-password input[name=password]').count()).toBe(1);
    expect(await page.locator('kf-reset-password button[type=submit]').isDisabled()).toBe(false);
    await page.screenshot({ path: screenshotPath('reset-password-mismatch-zh-CN') });
    await page.context().close();
  });

  it('a used or made-up reset link says so and offers a new one', async () => {
    const page = await freshPage('zh-CN');
    await page.goto(`${server.url}/reset-password?token=made-up`);
    await page.fill('kf-reset-password input[name=password]', 'whatever password');
    await page.fill('kf-reset-password input[name=confirm]', 'whatever password');
    await page.click('kf-reset-password button[type=submit]');
    await page.waitForSelector('kf-reset-password .alert');
    expect(await page.locator('kf-reset-password .alert').textContent()).toBe('此重置链接已失效，请重新申请。');
    await page.click('kf-reset-password button.link');
    await page.waitForSelector('kf-login input[name=email]');
    expect(await page.locator('kf-login h1').textContent()).toBe('重置密码');
    await page.context().close();
  });
});

describe('screens', () => {
  it('sign-in with "Forgot password?", the reset page and the pending invitations, in English and Chinese, wide and narrow', async () => {
    await admin('POST', '/agents/invites', { email: 'wei.chen@example.test', role: 'supervisor' });
    await admin('POST', '/agents/invites', { email: 'sara.lopez@example.test', role: 'agent' });
    await server.ctx.db.updateTable('agent_invites').set({ expires_at: Date.now() - 1000 }).where('email', '=', 'sara.lopez@example.test').execute();
    for (const language of ['en', 'zh-CN'] as const) {
      for (const size of SIZES) {
        const page = await freshPage(language, size);
        await page.goto(server.url);
        await page.waitForSelector('kf-login button.link');
        await page.screenshot({ path: screenshotPath(`login-forgot-${language}-${size.name}`) });
        await page.goto(`${server.url}/reset-password?token=screenshot`);
        await page.waitForSelector('kf-reset-password input[name=password]');
        await page.screenshot({ path: screenshotPath(`reset-password-${language}-${size.name}`) });
        await page.context().close();

        // The app speaks the signed-in agent's own language.
        await admin('PATCH', '/me', { language });
        const adminPage = await signedInPage(browser, server, { context: { viewport: size, locale: language } });
        await adminPage.evaluate(() => (location.hash = '#/admin/agents'));
        await adminPage.waitForSelector('kf-admin-agents .pending tr:has-text("sara.lopez@example.test")');
        const expired = adminPage.locator('kf-admin-agents .pending tr:has-text("sara.lopez@example.test") .expired');
        expect(await expired.textContent()).toBe(language === 'en' ? 'Expired' : '已过期');
        await adminPage.screenshot({ path: screenshotPath(`admin-invites-${language}-${size.name}`), fullPage: true });
        await adminPage.context().close();
      }
    }
  }, 120_000);
});
