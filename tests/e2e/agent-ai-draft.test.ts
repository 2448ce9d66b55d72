// AI drafting in the agent app, against a loopback OpenAI-compatible server: the draft streams into
// the reply box and goes out only when the agent sends it; without an `ai` section nothing shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createAgent } from '../../server/modules/agents/service.js';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { startFakeOpenAi, type FakeOpenAi } from '../helpers/fake-openai.js';
import { apiAs, buildAgentApp, inboundChat, openTicket, PASSWORD, signedInPage, startAgentServer, type AgentServer, type ApiCall } from './agent-server.js';

interface MessageJson {
  kind: string;
  text: string;
}

let webRoot: string;
let server: AgentServer;
let ai: FakeOpenAi;
let browser: Browser;
let api: ApiCall;

const messagesOf = async (id: number) => (await api<{ messages: MessageJson[] }>('GET', `/tickets/${id}`)).messages;
const boxValue = (page: Page) => page.locator('kf-composer textarea').inputValue();

beforeAll(async () => {
  webRoot = await buildAgentApp('ai-draft');
  ai = await startFakeOpenAi();
  server = await startAgentServer(webRoot, { ai: { base_url: ai.url, model: 'test-model', business_name: 'Acme Outdoor' } });
  api = await apiAs(server, server.admin.email);
  await api('POST', '/kb/articles', { title: '如何申请退款', body: '在订单页点击「申请退款」，款项 3 个工作日内原路退回。', locale: 'zh-CN', status: 'published' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await ai?.close();
});

describe('Draft with AI', () => {
  it('streams a draft into the reply box and sends it only on Enter', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 1440, height: 900 } } });
    const { ticketId } = await inboundChat(server.ctx, 'v-ai-1', '王小明', '你好，帐篷坏了，我想申请退款，怎么操作？');
    await openTicket(page, ticketId);
    ai.reply(['您好，王先生！', '您可以在订单页点击「申请退款」，', '款项会在 3 个工作日内原路退回。']);
    const held = ai.holdNext();
    await page.click('kf-composer [data-action=ai-draft]');
    // The first piece is in the box while the service still holds the rest: streamed, not waited for.
    await expect.poll(() => boxValue(page)).toBe('您好，王先生！');
    await page.waitForSelector('kf-composer [data-action=ai-stop]');
    held.release();
    const full = '您好，王先生！您可以在订单页点击「申请退款」，款项会在 3 个工作日内原路退回。';
    await expect.poll(() => boxValue(page)).toBe(full);
    await page.waitForSelector('kf-composer [data-action=ai-draft]');
    const prompt = ai.requests.at(-1)!.body.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain('如何申请退款');
    expect(prompt).toContain('我想申请退款');
    await page.screenshot({ path: screenshotPath('ai-draft-desktop') });

    expect((await messagesOf(ticketId)).map((m) => m.kind)).toEqual(['inbound']);
    await page.focus('kf-composer textarea');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`kf-timeline article[data-kind=outbound]`);
    await expect.poll(async () => (await messagesOf(ticketId)).map((m) => [m.kind, m.text])).toEqual([
      ['inbound', '你好，帐篷坏了，我想申请退款，怎么操作？'],
      ['outbound', full],
    ]);
    expect(await boxValue(page)).toBe('');
    await page.context().close();
  });

  it('keeps what the agent wrote above the draft, and shows an upstream failure', async () => {
    const page = await signedInPage(browser, server, { context: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true } });
    const { ticketId } = await inboundChat(server.ctx, 'v-ai-2', 'Sam Lee', 'My order has not arrived yet. Can you check?');
    await openTicket(page, ticketId);
    await page.fill('kf-composer textarea', 'Hi Sam,');
    ai.reply(['Sorry for the wait! ', 'I am checking with the courier now.']);
    await page.click('kf-composer [data-action=ai-draft]');
    await expect.poll(() => boxValue(page)).toBe('Hi Sam,\n\nSorry for the wait! I am checking with the courier now.');
    await page.screenshot({ path: screenshotPath('ai-draft-phone') });

    ai.failNext(401, { error: { message: 'Incorrect API key provided' } });
    await page.click('kf-composer [data-action=ai-draft]');
    await page.waitForSelector('kf-toaster .toast.error:has-text("The AI service refused the API key. Ask your administrator to check it.")');
    expect(await boxValue(page)).toBe('Hi Sam,\n\nSorry for the wait! I am checking with the courier now.');
    expect((await messagesOf(ticketId)).map((m) => m.kind)).toEqual(['inbound']);
    await page.context().close();
  });

  it('summarises the ticket in a panel under the header', async () => {
    for (const [name, viewport] of [['desktop', { width: 1440, height: 900 }], ['phone', { width: 375, height: 812 }]] as const) {
      const page = await signedInPage(browser, server, { context: { viewport } });
      const { ticketId } = await inboundChat(server.ctx, `v-ai-sum-${name}`, 'Lena Park', 'The tent pole snapped on the first night. I want a new pole or my money back.');
      await openTicket(page, ticketId);
      ai.reply(['- Tent pole snapped on the first night.\n', '- Wants a replacement pole or a refund.\n', '- Nothing promised yet.']);
      await page.click('kf-ai-summary [data-action=ai-summary]');
      await page.waitForSelector('kf-ai-summary [data-action=ai-summary-again]');
      expect(await page.locator('kf-ai-summary .text').innerText()).toBe('- Tent pole snapped on the first night.\n- Wants a replacement pole or a refund.\n- Nothing promised yet.');
      await page.screenshot({ path: screenshotPath(`ai-summary-${name}`) });
      await page.context().close();
    }
  });
});

describe('in Chinese', () => {
  it('labels the buttons and the summary in the agent’s language, and asks for the summary in it', async () => {
    await createAgent(server.ctx, { email: 'li@example.test', name: '李娜', role: 'admin', password: PASSWORD, language: 'zh-CN' });
    const page = await signedInPage(browser, server, { email: 'li@example.test', context: { viewport: { width: 1440, height: 900 } } });
    const { ticketId } = await inboundChat(server.ctx, 'v-ai-zh', '陈先生', '帐篷杆第一晚就断了，我要换一根新的，或者退款。');
    await openTicket(page, ticketId);
    expect(await page.locator('kf-composer [data-action=ai-draft]').innerText()).toBe('AI 起草');
    ai.reply(['- 帐篷杆第一晚就断了。\n', '- 客户要求换新杆或退款。']);
    await page.click('kf-ai-summary [data-action=ai-summary]');
    await page.waitForSelector('kf-ai-summary [data-action=ai-summary-again]');
    expect(await page.locator('kf-ai-summary .panel').innerText()).toContain('AI 摘要');
    expect(ai.requests.at(-1)!.body.messages[0]!.content).toContain('Write in Simplified Chinese');
    await page.screenshot({ path: screenshotPath('ai-summary-zh-CN-desktop') });
    await page.context().close();
  });
});

describe('without an ai section', () => {
  it('shows no AI button anywhere', async () => {
    const plain = await startAgentServer(webRoot);
    try {
      const page = await signedInPage(browser, plain);
      const { ticketId } = await inboundChat(plain.ctx, 'v-plain', 'Ann', 'Hello there');
      const asked = page.waitForResponse((r) => r.url().endsWith('/api/v1/ai'));
      await openTicket(page, ticketId);
      expect((await asked).status()).toBe(404);
      await page.waitForSelector('kf-composer textarea');
      expect(await page.locator('[data-action=ai-draft], [data-action=ai-summary]').count()).toBe(0);
      await page.context().close();
    } finally {
      await plain.close();
    }
  });
});
