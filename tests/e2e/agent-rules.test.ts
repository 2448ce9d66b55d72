// Settings › Rules: an admin builds a rule in the UI, a new ticket gets its label, and the ticket's
// timeline names the rule. Screenshots of the rules screen in English and Simplified Chinese, desktop and phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface RuleJson {
  id: number;
  name: string;
  event: string;
  conditions: { all?: unknown[]; any?: unknown[] };
  actions: unknown[];
  enabled: boolean;
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;

beforeAll(async () => {
  const webRoot = await buildAgentApp('rules');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王芳', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  await api('POST', '/labels', { name: 'refund' });
  await api('POST', '/teams', { name: 'Billing' });
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
  page.on('dialog', (d) => void d.accept());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const refundRow = (p: Page) => p.locator('kf-admin-rules tr[data-rule]', { hasText: 'Refund triage' });

async function openRules(p: Page) {
  await p.evaluate(() => (location.hash = '#/admin/rules'));
  await p.waitForSelector('kf-admin-rules kf-rule-editor form');
}

describe('rules screen', () => {
  it('builds a rule in the editor; a new ticket gets its label and its timeline names the rule', async () => {
    await openRules(page);
    const editor = page.locator('kf-rule-editor form');
    await editor.locator('#rname').fill('Refund triage');
    await editor.getByRole('button', { name: 'Add condition' }).click();
    const condition = editor.locator('[data-condition="0"]');
    await condition.locator('select').first().selectOption('subject');
    await condition.locator('select').nth(1).selectOption('contains');
    await condition.locator('input').fill('refund');
    await editor.locator('[data-action="0"] input').fill('refund');
    await editor.getByRole('button', { name: 'Add action' }).click();
    await editor.locator('[data-action="1"] select').first().selectOption('set_priority');
    await editor.locator('[data-action="1"] select').nth(1).selectOption('high');
    await editor.getByRole('button', { name: 'Save' }).click();
    await refundRow(page).waitFor();

    // The desk started with its default rule, turned off; the new one runs after it.
    const rules = (await api<{ items: RuleJson[] }>('GET', '/rules')).items;
    expect(rules.map((r) => [r.name, r.enabled])).toEqual([
      ['Outside business hours: automatic reply', false],
      ['Refund triage', true],
    ]);
    expect(rules[1]).toMatchObject({
      name: 'Refund triage',
      event: 'ticket.created',
      conditions: { all: [{ field: 'subject', op: 'contains', value: 'refund' }] },
      actions: [{ type: 'add_labels', labels: ['refund'] }, { type: 'set_priority', priority: 'high' }],
    });

    const stored = await inboundEmail(server.ctx, { email: 'bo@example.org', name: 'Bo' }, 'Refund for order 12', 'Please refund me.');
    await inboundEmail(server.ctx, { email: 'cy@example.org', name: 'Cy' }, 'Where is my parcel', 'Still waiting.');
    await server.ctx.automation.idle();
    const detail = await api<{ ticket: { labels: string[]; priority: string; number: number } }>('GET', `/tickets/${stored.ticketId}`);
    expect(detail.ticket).toMatchObject({ labels: ['refund'], priority: 'high' });

    await openTicket(page, stored.ticketId);
    await page.getByText('Rule ‘Refund triage’', { exact: false }).first().waitFor();
    await page.screenshot({ path: screenshotPath('rules-timeline-en') });

    // The test panel: which conditions hold for that ticket, and what would happen.
    await openRules(page);
    await refundRow(page).click();
    await page.locator('kf-admin-rules .test input[name=ticket]').fill(String(detail.ticket.number));
    await page.locator('kf-admin-rules .test').getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => page.locator('kf-admin-rules .test [role=status]').textContent()).toContain('would run');
    await page.screenshot({ path: screenshotPath('rules-en-1440') });

    // Running assignment takes no value: the editor says what it does instead.
    const editing = page.locator('kf-rule-editor form');
    await editing.getByRole('button', { name: 'Add action' }).click();
    await editing.locator('[data-action="2"] select').first().selectOption('run_assignment');
    await editing.locator('[data-action="2"]').getByText('Gives the ticket to an available agent of its team').waitFor();
    // A business-hours condition with no calendar id asks the default calendar, and the editor says so.
    await editing.getByRole('button', { name: 'Add condition' }).click();
    await editing.locator('[data-condition="1"] select').first().selectOption('business_hours');
    await editing.getByText('leave the calendar id empty for the default calendar').waitFor();
    await page.screenshot({ path: screenshotPath('rules-en-1440-run-assignment') });
  });

  it('shows the rules screen in Simplified Chinese and on a phone', async () => {
    const zh = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await openRules(zh);
    await refundRow(zh).click();
    await zh.getByText('用工单测试').waitFor();
    await zh.screenshot({ path: screenshotPath('rules-zh-CN-1440') });
    // Every kind of action has its own inputs: a team and a text for mail, an address for a webhook.
    const editor = zh.locator('kf-rule-editor form');
    await editor.getByRole('button', { name: '添加动作' }).click();
    await editor.locator('[data-action="2"] select').first().selectOption('email_agents');
    await expect.poll(() => editor.locator('[data-action="2"] select').nth(1).inputValue()).not.toBe('');
    await editor.locator('[data-action="2"] textarea').fill('请尽快处理退款。');
    await editor.getByRole('button', { name: '添加动作' }).click();
    await editor.locator('[data-action="3"] select').first().selectOption('webhook');
    await editor.locator('[data-action="3"] input').fill('https://hooks.example.com/kefu');
    await editor.getByRole('button', { name: '添加动作' }).click();
    await editor.locator('[data-action="4"] select').first().selectOption('run_assignment');
    await editor.locator('[data-action="4"]').getByText('交给所属团队中有空的客服').waitFor();
    await zh.screenshot({ path: screenshotPath('rules-zh-CN-1440-actions') });
    await zh.setViewportSize({ width: 375, height: 812 });
    await zh.screenshot({ path: screenshotPath('rules-zh-CN-375') });
    await zh.screenshot({ path: screenshotPath('rules-zh-CN-375-full'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await openRules(page);
    await page.screenshot({ path: screenshotPath('rules-en-375') });
    // Nothing on the phone is wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
  });
});
