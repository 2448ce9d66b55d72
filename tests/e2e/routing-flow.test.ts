// Routing from end to end: an admin builds a rule and turns on round robin in the admin screens, an agent
// is online in the agent app, a visitor's chat is assigned to that agent and labelled by the rule, and a
// second visitor, arriving while the agent is at capacity, sees their place in line in the widget.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { assignerOf } from '../../server/modules/assignment/assigner.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { buildWidget } from '../helpers/widget-build.js';
import { apiAs, buildAgentApp, goTo, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';
import { chatFrame, embedPage, hostPage, type HostPage } from './widget-setup.js';

const DESKTOP = { width: 1440, height: 900 };

let kefu: AgentServer;
let site: HostPage;
let browser: Browser;
let widgetDir: string;
let api: ApiCall;
let ana: { id: number };

beforeAll(async () => {
  site = await hostPage();
  // One folder with both front ends, as `npm run build:web` leaves them.
  const webRoot = await buildAgentApp('routing-flow');
  widgetDir = mkdtempSync(path.join(os.tmpdir(), 'kefu-routing-widget-'));
  cpSync(await buildWidget(widgetDir), webRoot, { recursive: true });
  kefu = await startAgentServer(webRoot, {
    channels: { widget: [{ name: 'website', allowed_origins: [site.origin], offline_when_no_agent: false, title: 'Acme Support' }] },
  });
  site.set('/', embedPage(kefu.url, 'website'));
  ana = await createAgent(kefu.ctx, { email: 'ana@example.test', name: 'Ana Ortiz', role: 'agent', password: PASSWORD });
  api = await apiAs(kefu, kefu.admin.email);
  await api('POST', '/labels', { name: 'refund' });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await kefu?.close();
  await site?.close();
  if (widgetDir) rmSync(widgetDir, { recursive: true, force: true });
});

async function visitorSays(text: string): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-US', viewport: DESKTOP });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(`${site.origin}/`);
  await chatFrame(page).locator('.launcher').click();
  await chatFrame(page).locator('textarea').fill(text);
  await chatFrame(page).locator('textarea').press('Enter');
  await chatFrame(page).locator('[data-status]').last().waitFor();
  return page;
}

/** The newest widget ticket once assignment and rules have both had their say. */
async function newestChat(): Promise<{ id: number; assignee: { id: number } | null; labels: string[] }> {
  await kefu.ctx.automation.idle();
  await assignerOf(kefu.ctx).idle();
  const row = await kefu.ctx.db.selectFrom('tickets').select('id').where('channel_kind', '=', 'widget').orderBy('id', 'desc').executeTakeFirstOrThrow();
  return (await api<{ ticket: { id: number; assignee: { id: number } | null; labels: string[] } }>('GET', `/tickets/${row.id}`)).ticket;
}

describe('routing, from the admin screens to the visitor', () => {
  it('assigns a chat to the online agent and labels it by the rule; the next chat waits and its visitor sees their place', async () => {
    const admin = await signedInPage(browser, kefu, { context: { viewport: DESKTOP } });

    // Settings › Rules: chats that mention a refund get the refund label.
    await goTo(admin, '#/admin/rules', 'kf-admin-rules kf-rule-editor form');
    const editor = admin.locator('kf-rule-editor form');
    await editor.locator('#rname').fill('Refund chats');
    await editor.getByRole('button', { name: 'Add condition' }).click();
    const condition = editor.locator('[data-condition="0"]');
    await condition.locator('select').first().selectOption('body');
    await condition.locator('select').nth(1).selectOption('contains');
    await condition.locator('input').fill('refund');
    await editor.locator('[data-action="0"] input').fill('refund');
    await editor.getByRole('button', { name: 'Save' }).click();
    await admin.locator('kf-admin-rules tr[data-rule]', { hasText: 'Refund chats' }).waitFor();

    // Settings › Teams: round robin, one chat at a time, for tickets without a team.
    await goTo(admin, '#/admin/teams', 'kf-admin-teams kf-assignment-form.default form');
    const form = admin.locator('kf-admin-teams kf-assignment-form.default form');
    await form.locator('select[name=mode]').selectOption('round_robin');
    await form.locator('input[name=capacityChat]').fill('1');
    await form.locator('button.primary').click();
    await expect
      .poll(async () => (await api<{ assignment: { mode: string; capacity: { chat: number } } }>('GET', '/assignment/default')).assignment)
      .toMatchObject({ mode: 'round_robin', capacity: { chat: 1 } });
    // The admin signs off: only Ana is there to take chats.
    await admin.context().close();
    await expect.poll(() => kefu.ctx.presence.get(kefu.admin.id)).toBe('offline');

    const agent = await signedInPage(browser, kefu, { email: 'ana@example.test', waitForSocket: true, context: { viewport: DESKTOP } });
    await expect.poll(() => kefu.ctx.presence.get(ana.id)).toBe('online');

    const first = await visitorSays('Hello, I would like a refund for my tent.');
    await expect.poll(async () => newestChat()).toMatchObject({ assignee: { id: ana.id }, labels: ['refund'] });
    const seated = await newestChat();

    const second = await visitorSays('Do you ship to Canada?');
    const notice = chatFrame(second).locator('.banner.queue');
    await notice.getByText(/You are number 1 in line · about \d+ min/).waitFor();
    const waiting = await newestChat();
    expect(waiting.id).not.toBe(seated.id);
    expect(waiting).toMatchObject({ assignee: null, labels: [] });
    expect(await chatFrame(first).locator('.banner.queue').count()).toBe(0);
    await second.screenshot({ path: screenshotPath('routing-flow-queue-1440') });

    // Ana's app: the chat is hers and carries the rule's label.
    await openTicket(agent, seated.id);
    await agent.getByText('Rule ‘Refund chats’', { exact: false }).first().waitFor();
    await agent.screenshot({ path: screenshotPath('routing-flow-agent-1440') });

    for (const p of [first, second, agent]) await p.context().close();
  });
});
