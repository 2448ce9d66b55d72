// Reports: a supervisor sees the figures the API computes, with their definitions, the heatmap, the
// tables and the CSV downloads; an agent has no Reports entry and is refused; the chart library is
// fetched only on the reports page. Screenshots in English and Simplified Chinese, desktop and phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../server/modules/agents/service.js';
import { seedDatabase } from '../../server/seed/seed.js';
import { languageAndSizeShots, launchChromium, screenshotPath } from '../helpers/browser.js';
import { horizontalOverflow } from '../helpers/layout.js';
import { apiAs, buildAgentApp, goTo, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let api: ApiCall;

const DAY = 86_400_000;
const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10); // Shanghai's date
const from = new Date(Date.parse(`${today}T00:00:00Z`) - 89 * DAY).toISOString().slice(0, 10);
const HASH = `#/reports?from=${from}&to=${today}&tz=Asia/Shanghai`;
const query = `from=${from}T00:00:00%2B08:00&to=${new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString().slice(0, 10)}T00:00:00%2B08:00&timezone=Asia/Shanghai`;

beforeAll(async () => {
  const webRoot = await buildAgentApp('reports');
  server = await startAgentServer(webRoot);
  await seedDatabase(server.ctx.database, { tickets: 400, agents: 6, seed: 7 });
  // Chat ratings, so the satisfaction card and the CSAT columns have figures.
  const db = server.ctx.db;
  const tickets = await db.selectFrom('tickets').select(['id', 'created_at']).orderBy('id').limit(40).execute();
  await db
    .insertInto('csat_ratings')
    .values(tickets.map((tk, i) => ({ ticket_id: tk.id, score: [5, 4, 5, 3, 1][i % 5]!, comment: null, created_at: Date.now() - (i % 60) * DAY })))
    .execute();
  // The answer bot took some website chats and solved a few, so the deflection cards have figures.
  const chats = await db.selectFrom('tickets').select('id').where('channel_kind', '=', 'widget').where('created_at', '>=', Date.now() - 80 * DAY).orderBy('id').limit(12).execute();
  for (const [i, { id }] of chats.entries()) {
    await db.updateTable('tickets').set({ bot_handled: 1, bot_deflected: i % 3 === 0 ? 1 : 0 }).where('id', '=', id).execute();
  }
  // Presence history, so the agent table's time online and away have figures.
  const seeded = await db.selectFrom('agents').select('id').orderBy('id').limit(4).execute();
  for (const [i, { id }] of seeded.entries()) {
    const start = Date.now() - (2 + i) * DAY;
    const away = start + (6 + i) * 3600_000;
    await db
      .insertInto('agent_presence_log')
      .values([
        { agent_id: id, status: 'online', started_at: start, ended_at: away },
        { agent_id: id, status: 'away', started_at: away, ended_at: away + 3600_000 + 15 * 60_000 },
      ])
      .execute();
  }
  await createAgent(server.ctx, { email: 'boss@example.test', name: 'Dana Boss', role: 'supervisor', password: PASSWORD });
  await createAgent(server.ctx, { email: 'wang@example.test', name: '王经理', role: 'supervisor', password: PASSWORD, language: 'zh-CN' });
  await createAgent(server.ctx, { email: 'agent@example.test', name: 'Ann Agent', role: 'agent', password: PASSWORD });
  api = await apiAs(server, 'boss@example.test');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** How many tickets the inbox's next list request filtered by a link returned (the list renders only the rows in view). */
const listResponse = (p: Page): Promise<number> =>
  p
    .waitForResponse((r) => r.url().includes('/api/v1/tickets?') && /createdFrom|resolvedFrom/.test(r.url()))
    .then((r) => r.json() as Promise<{ items: unknown[]; nextCursor: string | null }>)
    .then((b) => {
      expect(b.nextCursor).toBeNull();
      return b.items.length;
    });

const openReports = (p: Page) => goTo(p, HASH, 'kf-reports kf-report-card[data-card=created]');

interface Overview {
  ticketsCreated: number;
  ticketsResolved: number;
}

describe('the Reports section', () => {
  it('shows the API’s figures with their definitions, and fetches the chart library only there', async () => {
    const page = await signedInPage(browser, server, { email: 'boss@example.test', context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
    const scripts = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
    expect((await scripts()).some((n) => /uPlot/i.test(n))).toBe(false);
    await page.locator('kf-sidebar a[href="#/reports"]').click();
    await page.waitForSelector('kf-reports kf-report-card[data-card=created]');
    await openReports(page);
    const o = await api<Overview>('GET', `/reports/overview?${query}`);
    expect(o.ticketsCreated).toBeGreaterThan(50);
    const value = (card: string) => page.locator(`kf-reports kf-report-card[data-card=${card}] .value`).textContent();
    await expect.poll(() => value('created')).toBe(o.ticketsCreated.toLocaleString('en'));
    expect(await value('resolved')).toBe(o.ticketsResolved.toLocaleString('en'));

    await page.locator('kf-reports kf-report-card[data-card=frt] button.info').click();
    expect(await page.locator('kf-reports kf-report-card[data-card=frt] [role=tooltip]').textContent()).toContain('first public reply by an agent');

    await page.waitForSelector('kf-reports kf-trend-chart canvas');
    expect((await scripts()).some((n) => /uPlot/i.test(n))).toBe(true);

    const heat = await api<{ total: number }>('GET', `/reports/heatmap?${query}`);
    const cells = await page.locator('kf-reports .heat .cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-n'))));
    expect(cells).toHaveLength(7 * 24);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(heat.total);
    await page.context().close();
  });

  it('breaks down by label, links a row to its ticket list and downloads CSV', async () => {
    const page = await signedInPage(browser, server, { email: 'boss@example.test', context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
    await openReports(page);
    await page.locator('kf-reports select[name=by]').selectOption('label');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('by=label');
    const rows = await api<{ rows: Array<{ name: string; ticketsCreated: number }> }>('GET', `/reports/breakdown?${query}&by=label`);
    const top = rows.rows.find((r) => r.name !== '')!;
    const link = page.locator('kf-reports [data-panel=breakdown] td a', { hasText: top.name }).first();
    await link.waitFor();
    const csvHref = await page.locator('kf-reports a[data-csv=breakdown]').getAttribute('href');
    const csv = await page.context().request.get(`${server.url}${csvHref}`);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    const body = await csv.body();
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(body.toString('utf8')).toContain(top.name);
    const listed = listResponse(page);
    await link.click();
    // The list behind the row: the label's tickets created in the period, whatever their status.
    await expect.poll(() => page.evaluate(() => decodeURIComponent(location.hash))).toContain(`label=${top.name}`);
    const hash = await page.evaluate(() => location.hash);
    const linked = new URLSearchParams(hash.split('?')[1]);
    expect([linked.get('createdFrom'), linked.get('createdTo'), linked.get('status')]).toEqual([
      new Date(`${from}T00:00:00+08:00`).toISOString(),
      new Date(Date.parse(`${today}T00:00:00+08:00`) + DAY).toISOString(),
      'open,pending,snoozed,resolved,closed',
    ]);
    await page.waitForSelector('kf-inbox [data-linked]');
    expect(await listed).toBe(top.ticketsCreated);
    await page.waitForSelector('kf-ticket-list .row');
    await page.context().close();
  });

  it('is not there for an agent, and refuses one who types the address', async () => {
    const page = await signedInPage(browser, server, { email: 'agent@example.test' });
    expect(await page.locator('kf-sidebar a[href="#/reports"]').count()).toBe(0);
    await goTo(page, HASH, 'kf-reports [role=alert]');
    await page.context().close();
  });

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    for (const [name, email, viewport] of languageAndSizeShots('boss@example.test', 'wang@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport, timezoneId: 'Asia/Shanghai' } });
      await openReports(p);
      await p.waitForSelector('kf-reports kf-trend-chart canvas');
      await p.waitForSelector('kf-reports [data-panel=agents] tbody tr');
      expect(await p.locator('kf-reports h1').textContent()).toBe(name.startsWith('zh') ? '报表' : 'Reports');
      expect(await horizontalOverflow(p, ['kf-reports table'])).toEqual([]);
      await p.screenshot({ path: screenshotPath(`reports-${name}`) });
      await p.screenshot({ path: screenshotPath(`reports-${name}-full`), fullPage: true });
      await p.locator('kf-reports kf-report-card[data-card=deflection]').scrollIntoViewIfNeeded();
      await p.screenshot({ path: screenshotPath(`reports-${name}-chat-cards`) });
      await p.locator('kf-reports [data-panel=breakdown]').scrollIntoViewIfNeeded();
      await p.screenshot({ path: screenshotPath(`reports-${name}-tables`) });
      await p.context().close();
    }
  });
});

describe('from a figure to the tickets behind it', () => {
  it('opens the created card’s tickets, the same the list API gives for the period, and clears back to the view', async () => {
    const page = await signedInPage(browser, server, { email: 'boss@example.test', context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
    await openReports(page);
    const range = { from: new Date(`${from}T00:00:00+08:00`).toISOString(), to: new Date(Date.parse(`${today}T00:00:00+08:00`) + DAY).toISOString() };
    const agents = await api<{ rows: Array<{ agentId: number; name: string; assigned: number }> }>('GET', `/reports/agents?${query}`);
    const busy = agents.rows.filter((r) => r.assigned > 0 && r.assigned <= 50).sort((a, b) => b.assigned - a.assigned)[0]!;
    // An agent row: the tickets created in the period and assigned to them, as the assigned column counts.
    const shown = listResponse(page);
    await page.locator('kf-reports [data-panel=agents] td a', { hasText: busy.name }).first().click();
    await page.waitForSelector('kf-inbox [data-linked]');
    expect(await shown).toBe(busy.assigned);
    await page.waitForSelector('kf-ticket-list .row');
    const listed = await api<{ items: unknown[] }>('GET', `/tickets?status=all&limit=200&assignee=${busy.agentId}&createdFrom=${range.from}&createdTo=${range.to}`);
    expect(listed.items).toHaveLength(busy.assigned);
    await page.screenshot({ path: screenshotPath('reports-linked-list-en-desktop') });

    await openReports(page);
    await page.locator('kf-reports kf-report-card[data-card=resolved] a.value').click();
    await page.waitForSelector('kf-inbox [data-linked]');
    const hash = new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]);
    expect([hash.get('resolvedFrom'), hash.get('resolvedTo')]).toEqual([range.from, range.to]);
    expect(await page.locator('kf-inbox [data-linked]').textContent()).toContain('Resolved');
    await page.locator('kf-inbox [data-linked] a').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/inbox/all');
    // The inbox renders the cleared view after the address changed: poll, as a user would see it go.
    await expect.poll(() => page.locator('kf-inbox [data-linked]').count()).toBe(0);
    await page.context().close();

    const phone = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 375, height: 812 }, timezoneId: 'Asia/Shanghai' } });
    const onPhone = listResponse(phone);
    await goTo(phone, `#/inbox/all?createdFrom=${range.from}&createdTo=${range.to}&status=open,pending,snoozed,resolved,closed&assignee=${busy.agentId}`, 'kf-inbox [data-linked]');
    expect(await onPhone).toBe(busy.assigned);
    await phone.waitForSelector('kf-ticket-list .row');
    await phone.screenshot({ path: screenshotPath('reports-linked-list-zh-CN-phone') });
    await phone.context().close();
  });
});

describe('bot deflection', () => {
  it('shows the chats the bot handled and its deflection rate, each opening the chats behind it', async () => {
    const o = await api<{ chat: { botHandled: number; botDeflected: number; deflectionRate: number } }>('GET', `/reports/overview?${query}`);
    expect(o.chat.botHandled).toBe(12);
    expect(o.chat.botDeflected).toBe(4);
    const page = await signedInPage(browser, server, { email: 'wang@example.test', context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
    await openReports(page);
    const card = (id: string) => page.locator(`kf-reports kf-report-card[data-card=${id}]`);
    await expect.poll(() => card('deflection').locator('.value').textContent()).toBe('33.3%');
    expect(await card('bot-handled').locator('.value').textContent()).toBe('12');
    expect(await card('deflection').locator('.detail').textContent()).toBe('12 个中机器人解决 4 个');
    await card('deflection').locator('button.info').click();
    expect(await card('deflection').locator('[role=tooltip]').textContent()).toContain('机器人解决');
    await card('deflection').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('reports-deflection-zh-CN-desktop') });
    await card('deflection').locator('button.info').click();
    expect(await card('deflection').locator('[role=tooltip]').count()).toBe(0);

    const deflected = listResponse(page);
    await card('deflection').locator('a.value').click();
    await page.waitForSelector('kf-inbox [data-linked]');
    expect(await deflected).toBe(4);
    expect(new URLSearchParams((await page.evaluate(() => location.hash)).split('?')[1]).get('bot')).toBe('deflected');
    expect(await page.locator('kf-inbox [data-linked]').textContent()).toContain('机器人已解决');

    await openReports(page);
    const handled = listResponse(page);
    await card('bot-handled').locator('a.value').click();
    await page.waitForSelector('kf-inbox [data-linked]');
    expect(await handled).toBe(12);
    await page.waitForSelector('kf-ticket-list .row');
    await page.screenshot({ path: screenshotPath('reports-bot-handled-list-zh-CN-desktop') });
    await page.context().close();
  });
});

describe('Settings → Reports', () => {
  it('turns the weekly digest on with its schedule and zone, and keeps the settings when a schedule is refused', async () => {
    const page = await signedInPage(browser, server, { email: 'boss@example.test', context: { viewport: { width: 1440, height: 900 } } });
    await goTo(page, '#/admin/reports', 'kf-admin-reports form');
    const form = page.locator('kf-admin-reports form');
    expect(await form.locator('input[name=enabled]').isChecked()).toBe(false);
    await form.locator('input[name=enabled]').check();
    await form.locator('input[name=schedule]').fill('30 7 * * 1');
    await form.locator('input[name=timezone]').fill('Asia/Shanghai');
    await form.locator('button').click();
    await page.waitForSelector('kf-toaster >> text=Report settings saved');
    expect(await api('GET', '/reports/settings')).toEqual({ digest: { enabled: true, schedule: '30 7 * * 1', timezone: 'Asia/Shanghai' } });

    await form.locator('input[name=schedule]').fill('every monday');
    await form.locator('button').click();
    await page.waitForSelector('kf-toaster >> text=digest.schedule');
    expect(await api('GET', '/reports/settings')).toMatchObject({ digest: { schedule: '30 7 * * 1' } });
    await page.context().close();

    for (const [name, email, viewport] of languageAndSizeShots('boss@example.test', 'wang@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport } });
      await goTo(p, '#/admin/reports', 'kf-admin-reports form');
      expect(await p.locator('kf-admin-reports h1').textContent()).toBe(name.startsWith('zh') ? '报表' : 'Reports');
      await p.screenshot({ path: screenshotPath(`admin-reports-${name}`) });
      await p.context().close();
    }
  });
});
