import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { postMessage } from '../../server/modules/tickets/post-message.js';
import { screenshotPath } from '../helpers/browser.js';
import { chatFrame, embedPage, hostPage, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

describe('widget screens, forms and embedding rules in Chromium', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let stranger: HostPage;
  let browser: Browser;

  beforeAll(async () => {
    stranger = await hostPage();
    stage = await widgetStage((origin) => {
      const allowed = [origin];
      return [
        { name: 'website', allowed_origins: allowed, offline_when_no_agent: false, title: 'Acme Support', brand_color: '#0f766e' },
        {
          name: 'prechat',
          allowed_origins: allowed,
          offline_when_no_agent: false,
          title: 'Acme Sales',
          greeting: 'Welcome to Acme!',
          prechat_fields: [
            { field: 'name', required: true },
            { field: 'email', required: true },
            { field: 'phone', required: false },
          ],
        },
        // Business hours with no open day: always after hours.
        { name: 'afterhours', allowed_origins: allowed, title: 'Acme Support', business_hours: { timezone: 'Asia/Shanghai', days: {} } },
          { name: 'zh', allowed_origins: allowed, offline_when_no_agent: false, title: '顶峰户外客服', default_language: 'zh-CN', brand_color: '#b91c1c' },
      ];
    });
    ({ kefu, site, browser } = stage);
    for (const ch of ['website', 'prechat', 'afterhours', 'zh']) site.set(`/${ch}`, embedPage(kefu.url, ch));
    site.set(
      '/inline',
      `<!doctype html><html><body style="margin:0;background:#eef2f7;font-family:sans-serif">
       <h1 style="padding:16px 24px;margin:0">Contact us</h1>
       <div style="width:420px;height:560px;margin:0 24px"><kefu-chat channel="website"></kefu-chat></div>
       <script src="${kefu.url}/widget.js" async></script></body></html>`,
    );
    stranger.set('/', embedPage(kefu.url, 'website'));
    stranger.set('/framed', `<!doctype html><iframe id="f" src="${kefu.url}/widget/website/frame#origin=${encodeURIComponent(stranger.origin)}"></iframe>`);
  });
  afterAll(async () => {
    await stage?.close();
    await stranger?.close();
  });

  async function openWidget(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.goto(url);
    await chatFrame(page).locator('.launcher').click();
    return page;
  }
  const chat = chatFrame;

  it('fills the whole screen of a 375 px phone with the open panel', async () => {
    const page = await openWidget(`${site.origin}/website`, { width: 375, height: 740 });
    await chat(page).locator('textarea').fill('Hi, which tent fits 3 people?');
    await chat(page).locator('textarea').press('Enter');
    await chat(page).locator('[data-status="delivered"]').waitFor();
    const box = await page.locator('iframe[src*="/frame#"]').boundingBox();
    expect(box).toEqual({ x: 0, y: 0, width: 375, height: 740 });
    const ticket = await kefu.ctx.db.selectFrom('messages').select('ticket_id').where('text', '=', 'Hi, which tent fits 3 people?').executeTakeFirstOrThrow();
    await postMessage(kefu.ctx, { id: kefu.agentId, name: 'Mei Lin', role: 'admin' }, ticket.ticket_id, { kind: 'reply', text: 'The Ridge 3 is roomy and weighs 2.1 kg.' });
    await chat(page).getByText('The Ridge 3 is roomy').waitFor();
    await page.screenshot({ path: screenshotPath('widget-panel-phone') });
    await chat(page).locator('header button[aria-label="Close chat"]').click();
    await chat(page).locator('.launcher').waitFor();
    expect((await page.locator('iframe[src*="/frame#"]').boundingBox())?.width).toBe(88);
    await page.close();
  });

  it('asks for the pre-chat fields before the chat starts and keeps them on the visitor', async () => {
    const page = await openWidget(`${site.origin}/prechat`);
    await chat(page).locator('kf-chat-form').waitFor();
    await chat(page).locator('button[type=submit]').click();
    expect(await chat(page).locator('.err').count()).toBe(2);
    await page.screenshot({ path: screenshotPath('widget-prechat-form') });
    await chat(page).locator('#f-name').fill('Lin Wei');
    await chat(page).locator('#f-email').fill('lin.wei@example.com');
    await chat(page).locator('button[type=submit]').click();
    await chat(page).locator('textarea').waitFor();
    const visitor = await kefu.ctx.db.selectFrom('widget_visitors').selectAll().where('email', '=', 'lin.wei@example.com').executeTakeFirst();
    expect(visitor?.name).toBe('Lin Wei');
    await page.close();
  });

  it('says it is away after hours and takes an email and a message that become a ticket', async () => {
    const page = await openWidget(`${site.origin}/afterhours`);
    await chat(page).getByText('We are away right now').first().waitFor();
    // The header agrees with the form: a grey dot, not "we reply in a few minutes".
    expect(await chat(page).locator('header .dot.off').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('widget-offline-form') });
    await chat(page).locator('#f-email').fill('sam@example.com');
    await chat(page).locator('#f-message').fill('Can I return a used tent?');
    await chat(page).locator('button[type=submit]').click();
    await chat(page).locator('[data-status="delivered"]').waitFor();
    const row = await kefu.ctx.db
      .selectFrom('messages')
      .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
      .innerJoin('contacts', 'contacts.id', 'tickets.contact_id')
      .select(['tickets.channel_name', 'contacts.email'])
      .where('messages.text', '=', 'Can I return a used tent?')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ channel_name: 'afterhours', email: 'sam@example.com' });
    const conversation = await kefu.ctx.db.selectFrom('widget_conversations').select('offline').where('channel', '=', 'afterhours').executeTakeFirstOrThrow();
    expect(conversation.offline).toBe(1);
    await page.screenshot({ path: screenshotPath('widget-offline-sent') });
    await page.close();
  });

  it('speaks the channel’s default language', async () => {
    const page = await openWidget(`${site.origin}/zh`);
    await chat(page).getByText('您好！请问有什么可以帮您？').waitFor();
    expect(await chat(page).locator('textarea').getAttribute('placeholder')).toBe('输入消息…');
    await page.screenshot({ path: screenshotPath('widget-panel-zh-cn') });
    await page.close();
  });

  it('runs inline in <kefu-chat> and answers the Kefu JavaScript API', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
    await page.goto(`${site.origin}/inline`);
    await chat(page).locator('textarea').waitFor();
    expect(await chat(page).locator('.launcher').count()).toBe(0);
    // Inline chat is part of the page: there is nothing to close.
    expect(await chat(page).locator('header button[aria-label="Close chat"]').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('widget-inline') });
    const api = await page.evaluate(() => {
      const k = (window as unknown as { Kefu: Record<string, unknown> }).Kefu;
      return ['open', 'close', 'identify', 'on'].map((n) => typeof k[n]);
    });
    expect(api).toEqual(['function', 'function', 'function', 'function']);
    await page.close();
  });

  it('gives a page on an origin that is not allowed nothing at all', async () => {
    const page = await browser.newPage();
    // The config answer carries no CORS header for this origin, so the browser fails the request outright.
    const config = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/api/v1/widget/website/config'));
    await page.goto(stranger.origin);
    await config;
    expect(await page.locator('iframe').count()).toBe(0);
    // Framing the chat page by hand is refused by the browser (CSP frame-ancestors).
    const blocked = page.waitForEvent('requestfailed', (r) => r.url().includes('/widget/website/frame'));
    await page.goto(`${stranger.origin}/framed`);
    expect((await blocked).failure()?.errorText).toContain('BLOCKED');
    const sessions = await kefu.ctx.db.selectFrom('widget_visitors').select('id').where('channel', '=', 'website').execute();
    const before = sessions.length;
    const direct = await page.evaluate(async (url) => {
      const res = await fetch(`${url}/api/v1/widget/website/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch(() => null);
      return res?.status ?? 0;
    }, kefu.url);
    expect([0, 403]).toContain(direct);
    expect((await kefu.ctx.db.selectFrom('widget_visitors').select('id').where('channel', '=', 'website').execute()).length).toBe(before);
    await page.close();
  });

  it('shows the launcher', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${site.origin}/website`);
    await chat(page).locator('.launcher').waitFor();
    await page.screenshot({ path: screenshotPath('widget-launcher-teal') });
    await page.close();
  });
});
