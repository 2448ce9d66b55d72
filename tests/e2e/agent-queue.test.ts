import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { apiAs, PASSWORD, buildAgentApp, inboundChat, settledScreenshot, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let api: ApiCall;
let teamId: number;

beforeAll(async () => {
  const webRoot = await buildAgentApp('queue');
  server = await startAgentServer(webRoot);
  api = await apiAs(server, server.admin.email);
  teamId = (await api<{ team: { id: number } }>('POST', '/teams', { name: 'Tier 1 support', memberIds: [server.admin.id] })).team.id;
  // Nobody in the team may take a chat: every chat given to the team waits in its queue.
  await api('PATCH', `/teams/${teamId}`, { assignment: { mode: 'round_robin', capacity: { chat: 0 } } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('team queue length in the sidebar', () => {
  it('shows how many wait in my teams’ queue, live, in English and Chinese', async () => {
    const page = await signedInPage(browser, server, { waitForSocket: true, context: { viewport: { width: 1440, height: 900 } } });
    const team = page.locator('kf-sidebar a.item[href*="team"]');
    await team.waitFor();
    const ids: number[] = [];
    for (const visitor of ['ana', 'bo']) {
      const { ticketId } = await inboundChat(server.ctx, visitor, visitor, 'Is anyone there?');
      await api('PATCH', `/tickets/${ticketId}`, { teamId });
      ids.push(ticketId);
    }
    await team.locator('.queue', { hasText: '2 waiting' }).waitFor();
    await settledScreenshot(page, 'agent-queue-en-1440');

    await api('PATCH', `/tickets/${ids[0]}`, { assigneeId: server.admin.id });
    await team.locator('.queue', { hasText: '1 waiting' }).waitFor();
    await api('PATCH', `/tickets/${ids[1]}`, { assigneeId: server.admin.id });
    await team.locator('.queue').waitFor({ state: 'detached' });
    await page.context().close();

    await createAgent(server.ctx, { email: 'lin@example.test', name: '林晓', role: 'agent', password: PASSWORD, language: 'zh-CN' });
    const lin = (await api<{ items: Array<{ id: number; email: string }> }>('GET', '/agents')).items.find((a) => a.email === 'lin@example.test')!;
    await api('PATCH', `/teams/${teamId}`, { memberIds: [server.admin.id, lin.id] });
    const zh = await signedInPage(browser, server, { email: 'lin@example.test', context: { locale: 'zh-CN', viewport: { width: 375, height: 812 } } });
    const { ticketId } = await inboundChat(server.ctx, 'chen', '陈', '有人吗？');
    await api('PATCH', `/tickets/${ticketId}`, { teamId });
    await zh.locator('kf-sidebar button[data-tab="views"]').click();
    await zh.locator('kf-sidebar a.item[href*="team"] .queue', { hasText: '1 排队' }).waitFor();
    await settledScreenshot(zh, 'agent-queue-zh-CN-375');
    await zh.context().close();
  });
});
