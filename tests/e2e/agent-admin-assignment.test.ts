// Settings → Teams: automatic assignment set in the screen is what the API then serves (per team, and the
// default for tickets without a team), and agents' languages and skills are edited beside their load.
// Screenshots in English and Simplified Chinese, desktop and phone, with nothing sticking out sideways.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { languageAndSizeShots, launchChromium, screenshotPath } from '../helpers/browser.js';
import { horizontalOverflow } from '../helpers/layout.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, goTo, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface TeamJson {
  id: number;
  name: string;
  assignment: { mode: string; capacity: { chat: number; email: number }; channels: string[]; emailToAway: boolean };
  queueLength: number;
}
interface AgentLoadJson {
  agentId: number;
  name: string;
  languages: string[];
  skills: string[];
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;
let team: TeamJson;
let li: { id: number };

beforeAll(async () => {
  const webRoot = await buildAgentApp('admin-assignment');
  server = await startAgentServer(webRoot);
  li = await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  team = (await api<{ team: TeamJson }>('POST', '/teams', { name: 'Billing', memberIds: [server.admin.id, li.id] })).team;
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const openTeams = (p: Page) => goTo(p, '#/admin/teams', 'kf-admin-teams kf-assignment-agents tr[data-agent]');

describe('assignment settings', () => {
  it('sets a team to round robin with two chats per agent', async () => {
    await openTeams(page);
    const row = page.locator('kf-admin-teams .team', { hasText: 'Billing' });
    await row.locator('button[aria-expanded]').click();
    const form = row.locator('kf-assignment-form form');
    await form.locator('select[name=mode]').selectOption('round_robin');
    await form.locator('input[name=capacityChat]').fill('2');
    await form.locator('input[name=emailToAway]').check();
    await form.locator('button.primary').click();
    // The button names the mode the server returned once the directory reloads.
    await row.locator('button[aria-expanded]', { hasText: 'Round robin' }).waitFor();

    const saved = (await api<{ items: TeamJson[] }>('GET', '/teams')).items.find((t) => t.id === team.id);
    expect(saved?.assignment).toMatchObject({ mode: 'round_robin', capacity: { chat: 2, email: 30 }, emailToAway: true, channels: ['widget', 'email'] });
    await expect(row.locator('[data-queue]').textContent()).resolves.toBe('0 waiting');
  });

  it('sets the default for tickets without a team', async () => {
    await openTeams(page);
    const form = page.locator('kf-admin-teams kf-assignment-form.default form');
    await form.locator('select[name=mode]').selectOption('least_loaded');
    await form.locator('input[name=channels]').fill('email');
    await form.locator('button.primary').click();
    await expect
      .poll(async () => (await api<{ assignment: TeamJson['assignment'] }>('GET', '/assignment/default')).assignment)
      .toMatchObject({ mode: 'least_loaded', channels: ['email'] });
  });

  it("edits an agent's languages and skills", async () => {
    await openTeams(page);
    const row = page.locator(`kf-assignment-agents tr[data-agent="${li.id}"]`);
    await row.locator('input[name=languages]').fill('zh-CN, en');
    await row.locator('input[name=skills]').fill('billing， refunds, billing');
    await row.locator('button').click();
    await expect
      .poll(async () => (await api<{ items: AgentLoadJson[] }>('GET', '/assignment/agents')).items.find((a) => a.agentId === li.id))
      .toMatchObject({ languages: ['zh-CN', 'en'], skills: ['billing', 'refunds'] });
  });

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'li@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport } });
      await openTeams(p);
      await p.locator('kf-admin-teams .team button[aria-expanded]').first().click();
      await p.waitForSelector('kf-admin-teams .team kf-assignment-form');
      await p.screenshot({ path: screenshotPath(`admin-assignment-${name}`), fullPage: false });
      await p.locator('kf-admin-teams .panel.agents').scrollIntoViewIfNeeded();
      await p.screenshot({ path: screenshotPath(`admin-assignment-${name}-agents`), fullPage: false });
      const title = await p.locator('kf-admin-teams .panel.agents h2').textContent();
      expect(title).toBe(name.startsWith('zh') ? '客服状态与负载' : 'Agents’ status and load');
      if (viewport.width < 700) expect(await horizontalOverflow(p, ['kf-admin nav', 'kf-assignment-agents table'])).toEqual([]);
      await p.context().close();
    }
  });
});
