// The settings screens change what they show: each create / edit / delete is done in the UI and then
// checked through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, goTo, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface AgentJson {
  id: number;
  email: string;
  name: string;
  role: string;
  active: boolean;
  language: string;
}
interface TeamJson {
  id: number;
  name: string;
  memberIds: number[];
}
interface LabelJson {
  id: number;
  name: string;
  color: string;
}
interface CannedJson {
  id: number;
  shortcut: string;
  title: string;
  body: string;
}
interface TokenJson {
  id: number;
  name: string;
  prefix: string;
  revokedAt: string | null;
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;
let mei: { id: number };

const list = async <T>(path: string) => (await api<{ items: T[] }>('GET', path)).items;

const go = (hash: string, ready: string) => goTo(page, hash, ready);

/** Signs in over HTTP, as someone outside the browser would; the status says whether it worked. */
async function loginStatus(email: string, password: string): Promise<number> {
  const res = await server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
  return res.statusCode;
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('admin-crud');
  // No mailbox that can send: the invitation test checks the page hands over the link instead.
  server = await startAgentServer(webRoot, { channels: { email: [] } });
  mei = await createAgent(server.ctx, { email: 'mei@example.test', name: 'Mei Lin', role: 'agent', password: PASSWORD });
  api = await apiAs(server, server.admin.email);
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1280, height: 860 } } });
  // Deleting asks first; the admin says yes.
  page.on('dialog', (d) => void d.accept());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('settings screens', () => {
  it('invites an agent by link, who then signs in; changes the role and deactivates them', async () => {
    await go('#/admin/agents', 'kf-admin-agents form');
    const form = page.locator('kf-admin-agents form');
    await form.locator('input[name=email]').fill('wang@example.test');
    await form.locator('select[name=role]').selectOption('supervisor');
    // The admin's own language is the default; Wang reads Traditional Chinese.
    expect(await form.locator('select[name=language]').inputValue()).toBe('en');
    await form.locator('select[name=language]').selectOption('zh-TW');
    await form.locator('button.primary').click();
    // No mailbox in this config: the page says so and hands over the link instead.
    await form.locator('.warn').waitFor();
    const link = await form.locator('.link-box input').inputValue();
    await page.screenshot({ path: screenshotPath('admin-invite-no-mail-en') });
    await page.waitForSelector('kf-admin-agents .pending tr:has-text("wang@example.test")');
    expect(await form.locator('input[name=email]').inputValue()).toBe('');
    const token = new URL(link).searchParams.get('token') ?? '';
    const accepted = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/invite/accept',
      payload: { token, name: 'Wang Fang', password: 'first day password' },
    });
    expect(accepted.statusCode).toBe(200);
    await page.reload();
    await page.waitForSelector('kf-admin-agents tr:has-text("wang@example.test")');
    const wang = (await list<AgentJson>('/agents')).find((a) => a.email === 'wang@example.test');
    expect(wang).toMatchObject({ name: 'Wang Fang', role: 'supervisor', active: true, language: 'zh-TW' });
    expect(await loginStatus('wang@example.test', 'first day password')).toBe(200);

    const row = page.locator('kf-admin-agents tr:has-text("wang@example.test")');
    await row.locator('select').selectOption('agent');
    await expect.poll(async () => (await list<AgentJson>('/agents')).find((a) => a.id === wang!.id)?.role).toBe('agent');

    await row.locator('button:has-text("Deactivate")').click();
    await expect.poll(async () => (await list<AgentJson>('/agents')).find((a) => a.id === wang!.id)?.active).toBe(false);
    await row.locator('button:has-text("Reactivate")').waitFor();
    expect(await row.locator('.presence').textContent()).toBe('Deactivated');
    expect(await loginStatus('wang@example.test', 'first day password')).toBe(401);
  });

  it('creates a team, adds and removes members, and deletes it', async () => {
    await go('#/admin/teams', 'kf-admin-teams form.add');
    await page.fill('kf-admin-teams form.add input[name=name]', 'Billing');
    await page.click('kf-admin-teams form.add button');
    const team = page.locator('kf-admin-teams .team:has-text("Billing")');
    await team.waitFor();
    await expect.poll(async () => (await list<TeamJson>('/teams')).map((t) => t.name)).toEqual(['Billing']);

    await team.locator('button:has-text("Edit members")').click();
    // Two quick clicks: the second must not undo the first.
    await team.locator('button.member:has-text("Mei Lin")').click();
    await team.locator('button.member:has-text("Alex Admin")').click();
    await expect.poll(async () => (await list<TeamJson>('/teams'))[0]?.memberIds.sort()).toEqual([server.admin.id, mei.id].sort());
    await expect.poll(() => team.locator('button.member[aria-pressed=true]').count()).toBe(2);

    await team.locator('button.member:has-text("Alex Admin")').click();
    await expect.poll(async () => (await list<TeamJson>('/teams'))[0]?.memberIds).toEqual([mei.id]);
    await team.locator('button:has-text("Done")').click();
    expect(await team.locator('.top .faint').textContent()).toBe('1 member');
    expect(await team.locator('button.member').count()).toBe(1);
    expect(await team.locator('button.member').textContent()).toContain('Mei Lin');

    await team.locator('button[aria-label=Delete]').click();
    await expect.poll(async () => (await list<TeamJson>('/teams')).length).toBe(0);
    await page.waitForSelector('kf-admin-teams .empty');
  });

  it('adds, renames, recolours and deletes a label', async () => {
    await go('#/admin/labels', 'kf-admin-labels form.add');
    await page.fill('kf-admin-labels form.add input[name=name]', 'refund');
    await page.click('kf-admin-labels form.add button');
    await expect.poll(async () => (await list<LabelJson>('/labels')).map((l) => l.name)).toEqual(['refund']);
    const row = page.locator('kf-admin-labels tbody tr').first();
    await expect.poll(() => row.locator('input.field').inputValue()).toBe('refund');

    await row.locator('input.field').fill('refund-requested');
    await row.locator('input.field').press('Enter');
    await expect.poll(async () => (await list<LabelJson>('/labels'))[0]?.name).toBe('refund-requested');
    await row.locator('input[type=color]').fill('#2f9e6e');
    await expect.poll(async () => (await list<LabelJson>('/labels'))[0]?.color).toBe('#2f9e6e');
    await page.waitForSelector('kf-sidebar a.item:has-text("refund-requested")');

    await row.locator('button[aria-label=Delete]').click();
    await expect.poll(async () => (await list<LabelJson>('/labels')).length).toBe(0);
    await page.waitForSelector('kf-admin-labels .empty');
  });

  it('creates, edits and deletes a canned reply', async () => {
    await go('#/admin/canned', 'kf-admin-canned form');
    const form = page.locator('kf-admin-canned form');
    await form.locator('input[name=shortcut]').fill('/hours');
    await form.locator('input[name=title]').fill('Opening hours');
    await form.locator('textarea[name=body]').fill('We answer chats from 9:00 to 18:00, Monday to Friday.');
    await form.locator('button.primary').click();
    await page.waitForSelector('kf-admin-canned tbody tr:has-text("/hours")');
    const created = (await list<CannedJson>('/canned-replies'))[0];
    expect(created).toMatchObject({ shortcut: 'hours', title: 'Opening hours', body: 'We answer chats from 9:00 to 18:00, Monday to Friday.' });

    await page.click('kf-admin-canned tbody tr:has-text("/hours") td.title');
    await expect.poll(() => form.locator('input[name=title]').inputValue()).toBe('Opening hours');
    await form.locator('input[name=title]').fill('Opening hours (chat)');
    await form.locator('button.primary').click();
    await page.waitForSelector('kf-admin-canned tbody tr td.title:has-text("Opening hours (chat)")');
    expect(await list<CannedJson>('/canned-replies')).toEqual([{ ...created, title: 'Opening hours (chat)' }]);
    // Saved and closed: the form is back to "new", empty.
    expect(await form.locator('input[name=shortcut]').inputValue()).toBe('');

    await page.click('kf-admin-canned tbody tr:has-text("/hours") button[aria-label=Delete]');
    await expect.poll(async () => (await list<CannedJson>('/canned-replies')).length).toBe(0);
    await page.waitForSelector('kf-admin-canned .empty');
  });

  it('creates an API token shown once that works, then revokes it', async () => {
    await go('#/admin/tokens', 'kf-admin-tokens form.add');
    await page.fill('kf-admin-tokens form.add input[name=name]', 'Zapier');
    await page.click('kf-admin-tokens form.add button');
    const secret = (await page.locator('kf-admin-tokens .secret code').textContent()) ?? '';
    expect(secret).toMatch(/^kf_/);
    const tokens = await list<TokenJson>('/me/tokens');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatchObject({ name: 'Zapier', revokedAt: null });
    expect(secret.startsWith(tokens[0]!.prefix)).toBe(true);
    const asToken = () => server.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } });
    expect((await asToken()).json<{ agent: { email: string } }>().agent.email).toBe(server.admin.email);
    expect(await page.locator('kf-admin-tokens .mine tbody').textContent()).not.toContain(secret);

    // Shown once: away and back, only the prefix is left.
    await go('#/admin/labels', 'kf-admin-labels');
    await go('#/admin/tokens', 'kf-admin-tokens .mine tbody tr');
    expect(await page.locator('kf-admin-tokens .secret').count()).toBe(0);
    expect(await page.locator('kf-admin-tokens').evaluate((el) => el.shadowRoot!.textContent)).not.toContain(secret);

    await page.click('kf-admin-tokens .mine tbody tr:has-text("Zapier") button:has-text("Revoke")');
    await page.waitForSelector('kf-admin-tokens .mine tbody tr:has-text("Zapier") :text("Revoked")');
    expect((await list<TokenJson>('/me/tokens'))[0]?.revokedAt).not.toBeNull();
    expect((await asToken()).statusCode).toBe(401);
  });
});
