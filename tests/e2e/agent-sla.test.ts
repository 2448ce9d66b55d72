// SLA in the agent app: countdown badges in the list (green, amber, red), the ticket's SLA panel, and
// Settings → SLA policies. Screenshots in English and Simplified Chinese, desktop and phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { languageAndSizeShots, launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { sweepSla } from '../../server/modules/sla/escalation.js';
import { apiAs, buildAgentApp, inboundEmail, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let api: ApiCall;
const ids = { calm: 0, warning: 0, late: 0 };
const MIN = 60_000;

/** A ticket as if it had come in `minutesAgo`: its creation moved back, then a change re-computes its clocks from that history. */
async function ticketFrom(subject: string, minutesAgo: number, priority: string): Promise<number> {
  const { ticketId } = await inboundEmail(server.ctx, { email: `${subject.replace(/\W/g, '')}@example.test`, name: subject }, subject, 'Please help.');
  const at = Date.now() - minutesAgo * MIN;
  await server.ctx.db.updateTable('tickets').set({ created_at: at }).where('id', '=', ticketId).execute();
  await server.ctx.db.updateTable('messages').set({ created_at: at }).where('ticket_id', '=', ticketId).execute();
  await api('PATCH', `/tickets/${ticketId}`, { priority });
  return ticketId;
}

beforeAll(async () => {
  const webRoot = await buildAgentApp('sla');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  await api('POST', '/sla-policies', {
    name: 'Urgent',
    conditions: { all: [{ field: 'priority', op: 'in', value: ['urgent', 'high'] }] },
    targets: { firstResponseMinutes: 30, resolutionMinutes: 480 },
    warning: { minutes: 10 },
    escalation: { warning: [], breach: [{ type: 'notify', to: 'assignee' }] },
  });
  await api('POST', '/sla-policies', { name: 'Standard', conditions: { all: [] }, targets: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 1440 } });
  ids.calm = await ticketFrom('Invoice copy', 5, 'normal');
  ids.warning = await ticketFrom('Checkout is slow', 25, 'high');
  ids.late = await ticketFrom('Site is down', 45, 'urgent');
  await sweepSla(server.ctx);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const row = (p: Page, id: number) => p.locator(`kf-ticket-list [data-ticket-id="${id}"]`);

async function openInbox(p: Page, view = 'all') {
  await p.evaluate((h) => (location.hash = h), `#/inbox/${view}`);
  await row(p, ids.late).waitFor();
}

describe('SLA in the agent app', () => {
  it('counts down in the list: green, amber in the warning window, red when breached', async () => {
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openInbox(p);
    await expect(row(p, ids.calm).locator('.sla-badge').getAttribute('data-sla')).resolves.toBe('ok');
    await expect(row(p, ids.warning).locator('.sla-badge').getAttribute('data-sla')).resolves.toBe('warn');
    await expect(row(p, ids.late).locator('.sla-badge').getAttribute('data-sla')).resolves.toBe('breached');
    await expect(row(p, ids.calm).locator('.sla-badge').textContent()).resolves.toMatch(/^3h 5\dm left$/);
    await expect(row(p, ids.late).locator('.sla-badge').textContent()).resolves.toMatch(/^1\dm overdue$/);

    // "Breaching soon" lists the two close to their due time, most urgent first.
    // The list keeps showing "All" until the new view's page arrives, so wait for the rows to change.
    await p.evaluate(() => (location.hash = '#/inbox/breaching'));
    const listed = () => p.locator('kf-ticket-list [data-ticket-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-ticket-id'))));
    await expect.poll(listed, { timeout: 8000 }).toEqual([ids.late, ids.warning]);
    await p.context().close();
  });

  it('shows each target, its due time and whether it was met in the ticket view', async () => {
    await api('POST', `/tickets/${ids.calm}/messages`, { kind: 'reply', text: 'Sent the copy.' });
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(p, ids.late);
    const panel = p.locator('kf-sla-panel');
    await expect(panel.locator('.policy').textContent()).resolves.toBe('Urgent');
    await expect(panel.locator('[data-target="sla.target.first_response"]').getAttribute('data-status')).resolves.toBe('breached');
    await expect(panel.locator('[data-target="sla.target.resolution"]').getAttribute('data-status')).resolves.toBe('running');
    await expect(p.locator('kf-timeline [data-event="sla.breached"]').first().textContent()).resolves.toContain('SLA breached: First response was due');

    await openTicket(p, ids.calm);
    await expect(panel.locator('.policy').textContent()).resolves.toBe('Standard');
    await expect(panel.locator('[data-target="sla.target.first_response"]').getAttribute('data-status')).resolves.toBe('met');
    await p.context().close();
  });

  it('tells the assignee of a breach in the app as it happens', async () => {
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } }, waitForSocket: true });
    await openInbox(p);
    const id = await ticketFrom('Refund missing', 45, 'urgent');
    await api('PATCH', `/tickets/${id}`, { assigneeId: server.admin.id });
    await sweepSla(server.ctx);
    const number = (await api<{ ticket: { number: number } }>('GET', `/tickets/${id}`)).ticket.number;
    await p.locator('kf-toaster').getByText(`SLA breached on #${number}: First response · Refund missing`).waitFor();
    await p.context().close();
  });

  it('sets "remind me" on a ticket from its toolbar', async () => {
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(p, ids.warning);
    await p.locator('kf-ticket-view [data-action=remind]').click();
    await p.locator('kf-ticket-view kf-picker [role=option]').first().click();
    await p.locator('kf-toaster').getByText('Reminder set for').waitFor();
    const { items } = await api<{ items: Array<{ remindAt: string; email: boolean }> }>('GET', `/tickets/${ids.warning}/reminders`);
    expect(items).toHaveLength(1);
    expect(Date.parse(items[0]!.remindAt)).toBeGreaterThan(Date.now());
    expect(items[0]!.email).toBe(false);

    // The same presets again under "In the app and by email".
    await p.locator('kf-ticket-view [data-action=remind]').click();
    const options = p.locator('kf-ticket-view kf-picker [role=option]');
    await expect(options.count()).resolves.toBe(10);
    await p.screenshot({ path: screenshotPath('sla-remind-picker-en-desktop') });
    await options.last().click();
    await p.locator('kf-toaster').getByText('with an email').waitFor();
    const after = await api<{ items: Array<{ email: boolean }> }>('GET', `/tickets/${ids.warning}/reminders`);
    expect(after.items.map((r) => r.email).sort()).toEqual([false, true]);
    await p.context().close();
  });

  it('creates a policy in Settings → SLA policies', async () => {
    const p = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await p.evaluate(() => (location.hash = '#/admin/sla'));
    const form = p.locator('kf-admin-sla form');
    await form.locator('input[name=name]').fill('VIP');
    await form.locator('input[name=attribute]').fill('vip = true');
    await form.locator('input[name=firstResponseMinutes]').fill('15');
    await form.locator('input[name=raise]').check();
    await form.locator('button.primary').click();
    await p.locator('kf-admin-sla tbody tr', { hasText: 'VIP' }).waitFor();
    const items = (await api<{ items: Array<{ name: string; conditions: unknown; targets: unknown; escalation: unknown }> }>('GET', '/sla-policies')).items;
    expect(items.find((i) => i.name === 'VIP')).toMatchObject({
      conditions: { all: [{ field: 'contact.vip', op: 'equals', value: true }] },
      targets: { firstResponseMinutes: 15, nextResponseMinutes: null, resolutionMinutes: null },
      escalation: { breach: [{ type: 'set_priority', priority: 'urgent' }] },
    });
    await p.context().close();
  });

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'li@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport, timezoneId: 'Asia/Shanghai' } });
      await openInbox(p);
      await p.screenshot({ path: screenshotPath(`sla-list-${name}`) });
      await openTicket(p, ids.late);
      await p.screenshot({ path: screenshotPath(`sla-ticket-${name}`) });
      await p.evaluate(() => (location.hash = '#/admin/sla'));
      await p.locator('kf-admin-sla tbody tr').first().click();
      await p.waitForSelector('kf-admin-sla form input[name=name]:not([value=""])');
      await p.screenshot({ path: screenshotPath(`sla-admin-${name}`) });
      expect(await p.locator('kf-admin-sla h1').textContent()).toBe(name.startsWith('zh') ? 'SLA 策略' : 'SLA policies');
      await p.context().close();
    }
  });
});
