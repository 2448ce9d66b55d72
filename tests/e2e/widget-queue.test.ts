import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { intake } from '../../server/intake/intake.js';
import { assignerOf } from '../../server/modules/assignment/assigner.js';
import { createApiToken } from '../../server/modules/agents/tokens.js';
import { screenshotPath } from '../helpers/browser.js';
import { chatFrame, embedPage, widgetStage, type HostPage, type WidgetServer, type WidgetStage } from './widget-setup.js';

describe('widget queue notice in Chromium', () => {
  let stage: WidgetStage;
  let kefu: WidgetServer;
  let site: HostPage;
  let browser: Browser;
  let bearer: string;

  beforeAll(async () => {
    stage = await widgetStage((origin) => [{ name: 'website', allowed_origins: [origin], offline_when_no_agent: false, title: 'Acme Support' }]);
    ({ kefu, site, browser } = stage);
    site.set('/', embedPage(kefu.url, 'website'));
    bearer = `Bearer ${(await createApiToken(kefu.ctx, kefu.agentId, 'queue e2e')).secret}`;
  });
  afterAll(async () => stage?.close());

  async function api(method: 'PATCH', url: string, body: unknown): Promise<void> {
    const res = await fetch(`${kefu.url}${url}`, { method, headers: { authorization: bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }

  async function visit(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${site.origin}/`);
    await chatFrame(page).locator('.launcher').click();
    await chatFrame(page).locator('textarea').waitFor();
    return page;
  }

  async function say(page: Page, text: string): Promise<void> {
    await chatFrame(page).locator('textarea').fill(text);
    await chatFrame(page).locator('textarea').press('Enter');
  }

  it('shows a waiting visitor their place in line and hides it once an agent is free', async () => {
    await api('PATCH', '/api/v1/assignment/default', { assignment: { mode: 'round_robin', capacity: { chat: 1 } } });
    // The only agent is online, as their agent app would make them, and already carries one chat.
    kefu.ctx.presence.set(kefu.agentId, 'online');
    kefu.ctx.bus.emit({ type: 'agent.presence', agentId: kefu.agentId, presence: 'online', actor: { kind: 'agent', id: kefu.agentId } });
    const busy = await intake(kefu.ctx, {
      channel: { kind: 'widget', name: 'website' },
      sender: { identity: { kind: 'widget', value: 'earlier-visitor' } },
      thread: { key: 'earlier-chat' },
      text: 'Do you ship to Canada?',
      idempotencyKey: 'earlier-chat-1',
    });
    await assignerOf(kefu.ctx).idle();

    const en = await visit('en-US');
    await say(en, 'Is the Ridge 2 tent waterproof?');
    const enNotice = chatFrame(en).locator('.banner.queue');
    await enNotice.getByText(/You are number 1 in line · about \d+ min/).waitFor();

    const zh = await visit('zh-CN');
    await say(zh, '这款帐篷有现货吗？');
    const zhNotice = chatFrame(zh).locator('.banner.queue');
    await zhNotice.getByText(/您前面还有 1 位 · 预计等待约 \d+ 分钟/).waitFor();
    await en.screenshot({ path: screenshotPath('widget-queue-en-375') });
    await zh.screenshot({ path: screenshotPath('widget-queue-zh-CN-375') });

    // A reload missed the live frames: the notice is back (the hello carries it, as tests/server/channels/widget/queue.test.ts proves;
    // the assigner's periodic sweep would re-announce it too, so this step shows the screen rather than proving the hello).
    await zh.reload();
    await chatFrame(zh).locator('.launcher').click();
    await zhNotice.getByText(/您前面还有 1 位 · 预计等待约 \d+ 分钟/).waitFor();
    await zh.screenshot({ path: screenshotPath('widget-queue-zh-CN-375-reloaded') });

    // The agent resolves their chat: the first waiting visitor gets them, the next one moves up.
    await api('PATCH', `/api/v1/tickets/${busy.ticketId}`, { status: 'resolved' });
    await enNotice.waitFor({ state: 'detached' });
    await zhNotice.getByText(/下一位就是您 · 预计等待约 \d+ 分钟/).waitFor();
    const first = await kefu.ctx.db.selectFrom('tickets').select('assignee_id').where('id', '!=', busy.ticketId).orderBy('id').executeTakeFirstOrThrow();
    expect(first.assignee_id).toBe(kefu.agentId);
    await en.context().close();
    await zh.context().close();
  });
});
