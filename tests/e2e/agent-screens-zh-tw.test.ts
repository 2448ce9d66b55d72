// Screens in 繁體中文 for people to look at (screenshots/agent-*-zh-tw.png), with a check that no English
// from the app itself is left on them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from '../helpers/browser.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { seedDatabase } from '../../server/seed/seed.js';
import { apiAs, buildAgentApp, goTo, inboundChat, inboundEmail, PASSWORD, signedInPage, startAgentServer, type AgentServer } from './agent-server.js';

let server: AgentServer;
let browser: Browser;
let emailTicket: number;
let chatTicket: number;
/** An email ticket the same customer's chat was merged into: one timeline with both channels. */
let mergedTicket: number;

const EMAIL_HTML = `<p>您好：</p><p>我在 11 月 12 日訂購了<b>北歐風落地燈</b>（訂單編號 <b>#TW-20431</b>），
物流頁面一直顯示「已建立託運單」，已經一週沒有更新了。麻煩幫我查詢一下配送進度，謝謝。</p><p>林志明 敬上</p>`;

beforeAll(async () => {
  const webRoot = await buildAgentApp('screens-zh-tw');
  server = await startAgentServer(webRoot, {
    channels: { widget: [{ name: 'website', allowed_origins: ['https://shop.example.com.tw'], title: '線上客服', default_language: 'zh-TW' }] },
  });
  await seedDatabase(server.ctx.database, { tickets: 120, password: PASSWORD, seed: 11 });
  await createAgent(server.ctx, { email: 'chen@example.test', name: '陳怡君', role: 'admin', password: PASSWORD, language: 'zh-TW' });
  const api = await apiAs(server, 'chen@example.test');
  const me = (await api<{ agent: { id: number } }>('GET', '/me')).agent;
  await api('PATCH', '/me', { timezone: 'Asia/Taipei' });
  for (const c of [
    { shortcut: 'thanks', title: '感謝來信', body: '{{contact.name}} 您好，感謝您的來信！' },
    { shortcut: 'tracking', title: '物流單號', body: '{{contact.name}} 您好，您的物流單號是 {{tracking}}。' },
    { shortcut: 'refund', title: '退款已處理', body: '您的退款已原路退回，預計 3–5 個工作天入帳。' },
  ]) {
    await api('POST', '/canned-replies', c);
  }
  emailTicket = (
    await inboundEmail(server.ctx, { email: 'lin.zhiming@example.com.tw', name: '林志明' }, '訂單 #TW-20431 一週沒有物流更新', '您好，我的訂單一週沒有物流更新。', EMAIL_HTML)
  ).ticketId;
  await api('PATCH', `/tickets/${emailTicket}`, { assigneeId: me.id, priority: 'high', labels: ['shipping', 'vip'] });
  await api('POST', `/tickets/${emailTicket}/messages`, { kind: 'note', text: '已聯絡物流，包裹卡在轉運中心。@陳怡君 明天再追蹤一次。' });
  await api('POST', `/tickets/${emailTicket}/messages`, {
    kind: 'reply',
    text: '林先生您好：\n\n很抱歉讓您久等。物流公司確認包裹目前在轉運中心，預計明天送達。\n\n陳怡君 敬上',
  });
  chatTicket = (await inboundChat(server.ctx, 'visitor-tw', '王小美', '請問這件外套有 M 號嗎？')).ticketId;
  await inboundChat(server.ctx, 'visitor-tw', '王小美', '今天下單的話明天能出貨嗎？');
  await api('POST', `/tickets/${chatTicket}/messages`, { kind: 'reply', text: '您好！M 號有現貨，下午四點前下單當天出貨。' });
  const lin = { email: 'lin.zhiming@example.com.tw', name: '林志明' };
  mergedTicket = (await inboundEmail(server.ctx, lin, '發票抬頭要更改', '您好，上週的訂單發票抬頭寫錯了，請改成「志明商行」。')).ticketId;
  const linChat = (await inboundChat(server.ctx, 'visitor-lin', '林志明', '我剛剛也寄了信，想確認發票能不能改？')).ticketId;
  await api('POST', `/tickets/${linChat}/messages`, { kind: 'reply', text: '收到了，我們會依照信件內容重新開立發票。' });
  await api('POST', `/tickets/${linChat}/merge`, { intoTicketId: mergedTicket });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function session(email: string): Promise<Page> {
  return signedInPage(browser, server, { email, context: { viewport: { width: 1440, height: 900 }, timezoneId: 'Asia/Taipei', locale: 'zh-TW' } });
}

async function go(page: Page, hash: string, ready: string) {
  await goTo(page, hash, ready);
  // Fonts and the email frame settle after the first paint.
  await page.evaluate(() => document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))));
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

let corpus: Promise<string> | null = null;

/** Everything people and config wrote (messages, subjects, names, labels, ...): English there is no app string. */
function dataCorpus(): Promise<string> {
  corpus ??= readCorpus();
  return corpus;
}

async function readCorpus(): Promise<string> {
  const db = server.ctx.db;
  const parts = [
    ...(await db.selectFrom('messages').select('text').where('kind', '!=', 'system').execute()).map((r) => r.text),
    ...(await db.selectFrom('tickets').select('subject').execute()).map((r) => r.subject),
    ...(await db.selectFrom('contacts').select(['name', 'email']).execute()).flatMap((r) => [r.name ?? '', r.email ?? '']),
    ...(await db.selectFrom('contact_identities').select('value').execute()).map((r) => r.value),
    ...(await db.selectFrom('agents').select(['name', 'email']).execute()).flatMap((r) => [r.name, r.email]),
    ...(await db.selectFrom('labels').select('name').execute()).map((r) => r.name),
    ...(await db.selectFrom('teams').select('name').execute()).map((r) => r.name),
    // The desk's default rule is written in its first admin's language (here English, Alex Admin's), like any rule an admin wrote.
    ...(await db.selectFrom('rules').select(['name', 'actions']).execute()).flatMap((r) => [r.name, ...(JSON.parse(r.actions) as Array<{ text?: string }>).map((a) => a.text ?? '')]),
    ...(await db.selectFrom('canned_replies').select(['shortcut', 'title', 'body']).execute()).flatMap((r) => [`/${r.shortcut}`, r.title, r.body]),
    ...server.ctx.config.channels.widget.map((c) => c.name),
    'support website wechat whatsapp telegram sms Asia/Taipei English',
  ];
  return parts.map(flat).join('\n');
}

/**
 * Strings on screen with English words that are not data: every text node (but code) and every placeholder,
 * title and aria-label under the app's shadow roots. A string counts as data when people wrote all of it.
 */
async function englishLeft(page: Page): Promise<string[]> {
  const strings = await page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Node) => {
      const tw = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      for (let n: Node | null = tw.currentNode; n; n = tw.nextNode()) {
        if (n.nodeType === Node.TEXT_NODE) {
          const p = n.parentElement;
          // Code (the embed snippet, placeholders) is the same in every language; avatars show initials.
          if (p && !['STYLE', 'SCRIPT'].includes(p.tagName) && !p.closest('pre, code, .avatar') && p.getClientRects().length) out.push(n.textContent ?? '');
        } else if (n.nodeType === Node.ELEMENT_NODE) {
          const el = n as Element;
          for (const a of ['placeholder', 'title', 'aria-label']) if (el.getAttribute(a)) out.push(el.getAttribute(a)!);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      }
    };
    walk(document.body);
    return out;
  });
  const data = await dataCorpus();
  // Code and names the same in every language; 'vip = true' is an attribute condition typed as written;
  // Webhook and JSON are what Chinese interfaces call them too.
  // Channel kinds ('widget', 'email') are written as config.yaml names them; cron and IANA zone names are code.
  const known = new Set(['cron', 'Asia', 'Shanghai', 'Kefu', 'Ctrl', 'Alt', 'Enter', 'Shift', 'Esc', 'Tab', 'Bearer', 'Authorization', 'config', 'yaml', 'API', 'https', 'URL', 'GDPR', 'kf', 'SLA', 'vip', 'true', 'widget', 'email', 'Webhook', 'JSON']);
  // An agent's name inside a translated label ("Alex Admin 的技能") is data, not an app string.
  // So is a channel's configured name beside its translated kind ("簡訊 · sms").
  const names = [
    ...(await server.ctx.db.selectFrom('agents').select('name').execute()).map((r) => r.name),
    ...(await server.ctx.db.selectFrom('tickets').select('channel_name').distinct().execute()).map((r) => r.channel_name),
  ].filter((n) => n.length > 0);
  const left = new Set<string>();
  for (const raw of strings) {
    // A reply's subject is the customer's with the "Re: " every mail client understands.
    const s = flat(raw).replace(/…$/, '').replace(/^Re: /, '');
    // A mailbox's address comes from config.yaml: data, like the database's, not an app string.
    if (/^[^\s@]+@[^\s@]+$/.test(s)) continue;
    // An agent's languages, as the language tags they are stored as.
    if (/^[a-z]{2}(-[A-Z]{2})?(, [a-z]{2}(-[A-Z]{2})?)*$/.test(s)) continue;
    const words = (names.reduce((text, n) => text.replaceAll(n, ''), s).match(/[A-Za-z][A-Za-z']{1,}/g) ?? []).filter((w) => !known.has(w));
    if (words.length && !data.includes(s)) left.add(s);
  }
  return [...left].sort();
}

describe('agent app in 繁體中文', () => {
  it('captures the main screens with every app string translated', async () => {
    const page = await session('chen@example.test');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-TW');

    await go(page, '#/inbox/all', 'kf-ticket-list .row');
    await page.screenshot({ path: screenshotPath('agent-inbox-zh-tw') });
    expect(await englishLeft(page)).toEqual([]);

    await go(page, `#/inbox/all/ticket/${emailTicket}`, 'kf-timeline article.note');
    await page.screenshot({ path: screenshotPath('agent-ticket-email-zh-tw') });
    expect(await englishLeft(page)).toEqual([]);

    await go(page, `#/inbox/all/ticket/${mergedTicket}`, 'kf-timeline .system');
    await page.screenshot({ path: screenshotPath('agent-ticket-email-chat-zh-tw') });
    expect(await page.locator('kf-timeline .system span').first().textContent()).toMatch(/^陳怡君 已將 #\d+ 合併到此工單。$/);
    expect(await englishLeft(page)).toEqual([]);

    await go(page, `#/inbox/all/ticket/${chatTicket}`, 'kf-timeline article.outbound');
    await page.screenshot({ path: screenshotPath('agent-ticket-chat-zh-tw') });
    await page.click('kf-composer textarea');
    await page.keyboard.type('/');
    await page.waitForSelector('kf-composer .pop.suggest .item');
    await page.screenshot({ path: screenshotPath('agent-composer-canned-zh-tw') });
    expect(await page.locator('kf-composer .pop.suggest .head').textContent()).toBe('快速回覆');
    expect(await englishLeft(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.locator('kf-composer textarea').fill('');

    await page.click('kf-contact-panel [data-action=edit-contact]');
    await page.screenshot({ path: screenshotPath('agent-contact-edit-zh-tw') });
    expect(await englishLeft(page)).toEqual([]);
    await page.click('kf-contact-panel button:has-text("取消")');

    for (const section of ['agents', 'teams', 'labels', 'canned', 'rules', 'channels', 'hours', 'sla', 'csat', 'reports', 'webhooks', 'tokens'] as const) {
      await go(page, `#/admin/${section}`, `kf-admin-${section} .page-head`);
      await page.screenshot({ path: screenshotPath(`agent-admin-${section}-zh-tw`) });
      expect({ section, left: await englishLeft(page) }).toEqual({ section, left: [] });
    }

    await go(page, '#/profile', 'kf-profile .panel');
    await page.screenshot({ path: screenshotPath('agent-profile-zh-tw') });
    expect(await englishLeft(page)).toEqual([]);
    await page.context().close();
  }, 60_000);
});
