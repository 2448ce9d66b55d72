// Settings → Business hours: a calendar made in the screen is the one the API then serves, and a
// mistake is shown where it was made. Screenshots in English and Simplified Chinese, desktop and phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { languageAndSizeShots, launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, buildAgentApp, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface CalendarJson {
  id: number;
  name: string;
  timezone: string;
  weekly: Record<string, Array<{ from: string; to: string }>>;
  holidays: Array<{ date: string; name?: string }>;
  extraWorkdays: Array<{ date: string; hours: Array<{ from: string; to: string }> }>;
}

let server: AgentServer;
let browser: Browser;
let page: Page;
let api: ApiCall;

beforeAll(async () => {
  const webRoot = await buildAgentApp('admin-hours');
  server = await startAgentServer(webRoot);
  await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
  api = await apiAs(server, server.admin.email);
  browser = await launchChromium();
  page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Shanghai' } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openHours(p: Page) {
  await p.evaluate(() => (location.hash = '#/admin/hours'));
  await p.waitForSelector('kf-admin-hours form');
}

describe('business hours settings', () => {
  it('creates a calendar with split days, a night shift, holidays and a make-up workday', async () => {
    await openHours(page);
    const form = page.locator('kf-admin-hours form');
    await form.locator('input[name=name]').fill('上海客服中心');
    await form.locator('input[name=timezone]').fill('Asia/Shanghai');
    for (const day of ['mon', 'tue', 'wed', 'thu', 'fri']) await form.locator(`input[name=day-${day}]`).fill('09:00-12:00, 13:00-18:00');
    await form.locator('input[name=day-sat]').fill('22:00-06:00');
    await form.locator('textarea[name=holidays]').fill('2026-10-01 国庆节\n2026-10-02 国庆节');
    await form.locator('textarea[name=extra]').fill('2026-10-10 09:00-18:00');
    await form.locator('button.primary').click();
    await page.locator('kf-admin-hours tbody tr', { hasText: '上海客服中心' }).waitFor();

    const [saved] = (await api<{ items: CalendarJson[] }>('GET', '/business-hours')).items;
    expect(saved).toMatchObject({
      name: '上海客服中心',
      timezone: 'Asia/Shanghai',
      weekly: { mon: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }], sat: [{ from: '22:00', to: '06:00' }] },
      holidays: [{ date: '2026-10-01', name: '国庆节' }, { date: '2026-10-02', name: '国庆节' }],
      extraWorkdays: [{ date: '2026-10-10', hours: [{ from: '09:00', to: '18:00' }] }],
    });
    expect(saved?.weekly.sun).toBeUndefined();
  });

  it('shows the server’s objection to overlapping hours in the form', async () => {
    await openHours(page);
    const form = page.locator('kf-admin-hours form');
    await form.locator('input[name=name]').fill('Overlap');
    await form.locator('input[name=day-mon]').fill('09:00-13:00, 12:00-18:00');
    await form.locator('button.primary').click();
    await expect(form.locator('[role=alert]').textContent()).resolves.toContain('weekly.mon');
    const names = (await api<{ items: CalendarJson[] }>('GET', '/business-hours')).items.map((c) => c.name);
    expect(names).not.toContain('Overlap');
  });

  it('looks right in English and Chinese, on a desktop and a phone', async () => {
    for (const [name, email, viewport] of languageAndSizeShots(server.admin.email, 'li@example.test')) {
      const p = await signedInPage(browser, server, { email, context: { viewport, timezoneId: 'Asia/Shanghai' } });
      await openHours(p);
      await p.locator('kf-admin-hours tbody tr').first().click();
      await p.waitForSelector('kf-admin-hours form input[name=name]:not([value=""])');
      await p.screenshot({ path: screenshotPath(`admin-hours-${name}`), fullPage: false });
      const heading = await p.locator('kf-admin-hours h1').textContent();
      expect(heading).toBe(name.startsWith('zh') ? '工作时间' : 'Business hours');
      await p.context().close();
    }
  });
});
