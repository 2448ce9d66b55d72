/**
 * The public help center at size: 10,000 published articles in en, zh-CN and zh-TW (plus
 * drafts), 12 categories. Server time of home, category and article pages and of search,
 * measured through app.inject (no network). KEFU_BENCH_ARTICLES changes the size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { indexArticle } from '../../server/modules/kb/fts.js';
import { markdownToHtml, markdownToText } from '../../server/modules/kb/markdown.js';
import { searchArticles } from '../../server/modules/kb/search.js';
import { KB_LOCALES } from '../../server/modules/kb/tables.js';
import { percentile, report, timeRuns, type Figure, type Samples } from './lib.js';

const ARTICLES = Number(process.env.KEFU_BENCH_ARTICLES ?? 10_000);
const CATEGORIES = 12;

const ZH = '订单 退款 申请 发票 物流 快递 配送 账号 密码 登录 会员 积分 优惠券 支付 银行卡 退货 换货 售后 客服 地址 手机 验证码 绑定 取消 修改 查询 退款进度 包裹 签收 保修'.split(' ');
const TW = '訂單 退款 申請 發票 物流 快遞 配送 帳號 密碼 登入 會員 積分 優惠券 支付 銀行卡 退貨 換貨 售後 客服 地址 手機 驗證碼 綁定 取消 修改 查詢 包裹 簽收 保修'.split(' ');
const EN = 'order refund request invoice shipping delivery account password login member points coupon payment card return exchange warranty support address phone code cancel change track parcel receipt billing subscription plan upgrade'.split(' ');

let seed = 42;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = (words: string[], n: number, sep: string) => Array.from({ length: n }, () => words[rand(words.length)]!).join(sep);

const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-help-'));
const ctx = await createContext(configFromObject({ data_dir: dir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
const app = await buildApp(ctx, { webRoot: null });
await app.ready();

console.log(`seeding ${ARTICLES} articles ...`);
const t0 = performance.now();
const slugs: Array<{ locale: string; slug: string }> = [];
await ctx.database.transaction(async (tx) => {
  const at = Date.now();
  for (let c = 1; c <= CATEGORIES; c++) {
    await tx.insertInto('kb_categories').values({ slug: `topic-${c}`, name: `Topic ${c}`, names: JSON.stringify({ 'zh-CN': `主题 ${c}`, 'zh-TW': `主題 ${c}` }), position: c, created_at: at, updated_at: at }).execute();
  }
  for (let i = 0; i < ARTICLES; i++) {
    const locale = KB_LOCALES[i % 3]!;
    const words = locale === 'en' ? EN : locale === 'zh-CN' ? ZH : TW;
    const sep = locale === 'en' ? ' ' : '';
    const title = `${pick(words, 3, sep)} ${i}`;
    const body = Array.from({ length: 6 }, () => `${pick(words, 12, sep)}${locale === 'en' ? '.' : '。'}`).join('\n\n');
    const questions = [pick(words, 3, sep), pick(words, 4, sep)];
    const slug = `article-${i}`;
    const row = await tx
      .insertInto('kb_articles')
      .values({
        category_id: 1 + (i % CATEGORIES),
        locale,
        translation_group: Math.floor(i / 3) + 1,
        slug,
        title,
        body_md: body,
        body_html: markdownToHtml(body),
        body_text: markdownToText(body),
        questions: JSON.stringify(questions),
        status: i % 20 === 19 ? 'draft' : 'published',
        created_by: null,
        updated_by: null,
        published_at: at,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const status = i % 20 === 19 ? 'draft' : 'published';
    await indexArticle(tx, { id: row.id, title, questions, text: markdownToText(body), locale, status, categoryId: 1 + (i % CATEGORIES) });
    if (i % 20 !== 19) slugs.push({ locale, slug });
  }
});
console.log(`  seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const figures: Figure[] = [];
const RUNS = 400;
async function measure(name: string, target: string, url: (i: number) => string): Promise<void> {
  const samples: Samples = await timeRuns(RUNS, async (i) => {
    const res = await app.inject({ method: 'GET', url: url(i) });
    if (res.statusCode !== 200) throw new Error(`${url(i)}: ${res.statusCode}`);
  }, 20);
  console.log(`  ${name}: p50 ${percentile(samples.wall, 50).toFixed(2)} ms, p95 ${percentile(samples.wall, 95).toFixed(2)} ms`);
  figures.push({ name: `${name} p95`, value: percentile(samples.wall, 95), unit: 'ms', target });
  figures.push({ name: `${name} p95 cpu`, value: percentile(samples.cpu, 95), unit: 'ms', target });
}

const QUERIES = ['退款', '申请退款', '订单 发票', '密碼', '退', 'refund', 'password reset', 'shipping delivery', '優惠券', 'nothing-matches-this'];
await measure('help home page', '< 10', (i) => `/help/${KB_LOCALES[i % 3]}`);
await measure('help category page', '< 10', (i) => `/help/${KB_LOCALES[i % 3]}/categories/topic-${1 + (i % CATEGORIES)}`);
await measure('help article page', '< 10', (i) => {
  const s = slugs[(i * 7919) % slugs.length]!;
  return `/help/${s.locale}/articles/${s.slug}`;
});
await measure('help search page', '< 20', (i) => {
  const q = QUERIES[i % QUERIES.length]!;
  const locale = /[a-z]/.test(q) ? 'en' : /[訂密優]/.test(q) ? 'zh-TW' : 'zh-CN';
  return `/help/search?q=${encodeURIComponent(q)}&locale=${locale}`;
});
const service = await timeRuns(RUNS, (i) => searchArticles(ctx, QUERIES[i % QUERIES.length]!, null, 10), 20);
figures.push({ name: 'searchArticles (service, any locale) p95', value: percentile(service.wall, 95), unit: 'ms', target: '< 20' });
figures.push({ name: 'searchArticles (service, any locale) p95 cpu', value: percentile(service.cpu, 95), unit: 'ms', target: '< 20' });
// What reply suggestions run: a customer's whole message, any word or bigram matching.
const MESSAGES = ['你好，我上周买的鞋子不合适，想申请退款，要怎么操作？订单号 12345', 'Hi, my parcel has not arrived and I would like a refund or an exchange please', '請問發票什麼時候可以開好？我需要報銷'];
const suggest = await timeRuns(RUNS, (i) => searchArticles(ctx, MESSAGES[i % MESSAGES.length]!, null, 5, { mode: 'any' }), 20);
figures.push({ name: 'suggestion search (whole message) p95', value: percentile(suggest.wall, 95), unit: 'ms', target: '< 30' });
figures.push({ name: 'suggestion search (whole message) p95 cpu', value: percentile(suggest.cpu, 95), unit: 'ms', target: '< 30' });

report(figures);
await app.close();
await ctx.close();
rmSync(dir, { recursive: true, force: true });
