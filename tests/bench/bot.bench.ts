/**
 * The answer bot at size: 10,000 articles in en, zh-CN and zh-TW. Server time from a visitor's
 * first message (the widget's POST, through intake) to the bot's reply committed on the ticket,
 * through app.inject (no network), and the bot's turn alone. KEFU_BENCH_ARTICLES changes the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { answerBotOf } from '../../server/modules/bot/answer-bot.js';
import { saveBotSettings } from '../../server/modules/bot/settings.js';
import { answerMessage } from '../../server/modules/bot/service.js';
import { indexArticle } from '../../server/modules/kb/fts.js';
import { markdownToHtml, markdownToText } from '../../server/modules/kb/markdown.js';
import { KB_LOCALES } from '../../server/modules/kb/tables.js';
import { loadPerCore, percentile, report, timeRuns, type Figure } from './lib.js';

const ARTICLES = Number(process.env.KEFU_BENCH_ARTICLES ?? 10_000);
const RUNS = 300;

const ZH = '订单 退款 申请 发票 物流 快递 配送 账号 密码 登录 会员 积分 优惠券 支付 银行卡 退货 换货 售后 客服 地址 手机 验证码 绑定 取消 修改 查询 包裹 签收 保修'.split(' ');
const TW = '訂單 退款 申請 發票 物流 快遞 配送 帳號 密碼 登入 會員 積分 優惠券 支付 銀行卡 退貨 換貨 售後 客服 地址 手機 驗證碼 綁定 取消 修改 查詢 包裹 簽收 保修'.split(' ');
const EN = 'order refund request invoice shipping delivery account password login member points coupon payment card return exchange warranty support address phone code cancel change track parcel receipt billing'.split(' ');

let seed = 7;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = (words: string[], n: number, sep: string) => Array.from({ length: n }, () => words[rand(words.length)]!).join(sep);

const PAGE = 'https://shop.example.com';
const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-bot-'));
const config = configFromObject({
  data_dir: dir,
  log: { level: 'silent' },
  channels: {
    widget: [
      {
        name: 'website',
        allowed_origins: [PAGE],
        offline_when_no_agent: false,
        rate_limits: { visitor_messages_per_minute: 100_000, ip_messages_per_minute: 1_000_000, ip_sessions_per_minute: 1_000_000 },
      },
    ],
  },
});
const ctx = await createContext(config, createLogger('silent', { pretty: false }));
const app = await buildApp(ctx, { webRoot: null });
await app.ready();

console.log(`seeding ${ARTICLES} articles ...`);
const t0 = performance.now();
await ctx.database.transaction(async (tx) => {
  const at = Date.now();
  for (let i = 0; i < ARTICLES; i++) {
    const locale = KB_LOCALES[i % 3]!;
    const words = locale === 'en' ? EN : locale === 'zh-CN' ? ZH : TW;
    const sep = locale === 'en' ? ' ' : '';
    const title = `${pick(words, 3, sep)} ${i}`;
    const body = Array.from({ length: 6 }, () => `${pick(words, 12, sep)}${locale === 'en' ? '.' : '。'}`).join('\n\n');
    const questions = [pick(words, 3, sep), pick(words, 4, sep)];
    const row = await tx
      .insertInto('kb_articles')
      .values({
        category_id: null,
        locale,
        translation_group: Math.floor(i / 3) + 1,
        slug: `article-${i}`,
        title,
        body_md: body,
        body_html: markdownToHtml(body),
        body_text: markdownToText(body),
        questions: JSON.stringify(questions),
        status: 'published',
        created_by: null,
        updated_by: null,
        published_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await indexArticle(tx, { id: row.id, title, questions, text: markdownToText(body), locale, status: 'published', categoryId: null });
  }
  // The articles real visitors' questions are about, among the random ones: confident matches.
  const real: Array<[(typeof KB_LOCALES)[number], string, string[], string]> = [
    ['zh-CN', '如何申请退款', ['怎么申请退款', '怎么退钱'], '在“我的订单”里点击“申请退款”，三个工作日内处理。'],
    ['en', 'How do I get a refund?', ['I want my money back'], 'Open your order and press Request refund.'],
    ['zh-TW', '發票怎麼開', ['發票什麼時候可以開好'], '在訂單詳情頁點擊「開發票」。'],
  ];
  for (const [n, [locale, title, questions, body]] of real.entries()) {
    const row = await tx
      .insertInto('kb_articles')
      .values({ category_id: null, locale, translation_group: ARTICLES + n + 1, slug: `real-${n}`, title, body_md: body, body_html: markdownToHtml(body), body_text: markdownToText(body), questions: JSON.stringify(questions), status: 'published', created_by: null, updated_by: null, published_at: at, created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow();
    await indexArticle(tx, { id: row.id, title, questions, text: markdownToText(body), locale, status: 'published', categoryId: null });
  }
  await saveBotSettings(tx, 'website', { enabled: true });
});
console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const headers = (token?: string) => ({ origin: 'http://localhost:80', host: 'localhost:80', 'x-kefu-origin': PAGE, ...(token ? { 'x-kefu-visitor': token } : {}) });
async function newVisitor(language: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/widget/website/session', headers: headers(), payload: { language } });
  if (res.statusCode !== 200) throw new Error(`session: ${res.statusCode} ${res.body}`);
  return res.json<{ token: string }>().token;
}

// Confident, weak, no match and a request for a person, in the three languages.
const MESSAGES: Array<[string, string]> = [
  ['zh-CN', '怎么申请退款'],
  ['en', 'How do I get a refund?'],
  ['zh-CN', '你好，我上周买的鞋子不合适，想申请退款，要怎么操作？'],
  ['en', 'Hi, my parcel has not arrived and I would like a refund or an exchange please'],
  ['zh-TW', '請問發票什麼時候可以開好？'],
  ['zh-CN', '转人工'],
  ['en', 'zebra quantum lighthouse'],
];
const tokens = await Promise.all(Array.from({ length: RUNS + 10 }, (_, i) => newVisitor(MESSAGES[i % MESSAGES.length]![0])));

const bot = answerBotOf(ctx);
const firstReply = await timeRuns(
  RUNS,
  async (i) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/widget/website/messages',
      headers: headers(tokens[i]),
      payload: { clientId: `bench-${i}-${Date.now()}`, text: MESSAGES[i % MESSAGES.length]![1] },
    });
    if (res.statusCode !== 200) throw new Error(`message: ${res.statusCode} ${res.body}`);
    await bot.idle();
  },
  10,
);

const botRows = await ctx.db.selectFrom('messages').select(['kind', 'meta']).where('kind', 'in', ['bot', 'system']).execute();
const kinds = new Map<string, number>();
for (const r of botRows) {
  const event = String((JSON.parse(r.meta) as { event?: string }).event ?? r.kind);
  kinds.set(event, (kinds.get(event) ?? 0) + 1);
}
console.log(`  bot lines by kind: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);

// The bot's turn alone, on tickets it still holds (confident and weak matches keep it on).
const held = await ctx.db.selectFrom('tickets').select('id').where('bot_active', '=', 1).limit(50).execute();
const turn = await timeRuns(RUNS, (i) => answerMessage(ctx, held[i % held.length]!.id, MESSAGES[i % 5]![1]), 10);
// On a shared machine wall time includes waiting for a core; the CPU figures are what an idle core takes.
console.log(`  load per core: ${loadPerCore().toFixed(2)}`);

const figures: Figure[] = [
  { name: 'first message → bot reply p95', value: percentile(firstReply.wall, 95), unit: 'ms', target: '< 50' },
  { name: 'first message → bot reply p95 cpu', value: percentile(firstReply.cpu, 95), unit: 'ms', target: '< 50' },
  { name: 'first message → bot reply p50', value: percentile(firstReply.wall, 50), unit: 'ms' },
  { name: 'bot turn alone p95', value: percentile(turn.wall, 95), unit: 'ms' },
  { name: 'bot turn alone p95 cpu', value: percentile(turn.cpu, 95), unit: 'ms' },
];
report(figures);
await app.close();
await ctx.close();
rmSync(dir, { recursive: true, force: true });
