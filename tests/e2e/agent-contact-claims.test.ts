// The contact panel beside a widget chat whose visitor typed someone else's email address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { apiAs, buildAgentApp, openTicket, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

const PAGE = 'https://shop.example.com';
let server: AgentServer;
let browser: Browser;
let ticketId: number;
let customerId: number;

beforeAll(async () => {
  const webRoot = await buildAgentApp('contact-claims');
  server = await startAgentServer(webRoot, {
    channels: {
      widget: [{ name: 'website', display_name: { en: 'Website chat', 'zh-CN': '网站聊天' }, allowed_origins: [PAGE], offline_when_no_agent: false }],
    },
  });
  const api = await apiAs(server, server.admin.email);
  customerId = (await api<{ contact: { id: number } }>('POST', '/contacts', { name: 'Emma Clarke', email: 'emma@example.com' })).contact.id;
  // A visitor types Emma's address into the pre-chat form, through the widget's own API.
  const headers = { origin: 'http://localhost:80', host: 'localhost:80', 'x-kefu-origin': PAGE };
  const session = await server.app.inject({
    method: 'POST',
    url: '/api/v1/widget/website/session',
    headers,
    payload: { name: 'Visitor', email: 'emma@example.com', language: 'zh-CN' },
  });
  const token = session.json<{ token: string }>().token;
  const sent = await server.app.inject({
    method: 'POST',
    url: '/api/v1/widget/website/messages',
    headers: { ...headers, 'x-kefu-visitor': token },
    payload: { clientId: 'claims-e2e-1', text: 'What did I order last month?' },
  });
  const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
  const row = await server.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
  ticketId = row.ticket_id!;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('contact panel with an unverified email', () => {
  it('shows the typed address as unverified, the channel by name and the browser language, and merges into the owner in one click', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    await openTicket(page, ticketId);
    const panel = page.locator('kf-contact-panel');
    await panel.locator('[data-claim] .unverified').waitFor();
    expect(await panel.locator('.ident').first().textContent()).toContain('Website chat');
    expect(await panel.locator('.ident').first().textContent()).not.toContain('v_');
    expect(await panel.locator('dd').first().textContent()).toBe('zh-CN');
    await page.screenshot({ path: screenshotPath('agent-contact-unverified-1440') });

    await panel.locator('[data-action=merge-into-owner]').click();
    await panel.locator('.name', { hasText: 'Emma Clarke' }).waitFor();
    expect(await panel.locator('[data-claim]').count()).toBe(0);
    const ticket = await server.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', ticketId).executeTakeFirstOrThrow();
    expect(ticket.contact_id).toBe(customerId);
    await page.screenshot({ path: screenshotPath('agent-contact-merged-1440') });
    await page.context().close();
  });
});
