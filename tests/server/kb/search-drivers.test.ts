import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchArticles } from '../../../server/modules/kb/search.js';
import type { KbLocale } from '../../../server/modules/kb/tables.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { makeArticle, type NewArticle } from './fixtures.js';

/**
 * One knowledge base on both drivers, searched as the help center, the agent app (any status),
 * reply suggestions and the bot search it: the same articles must come back. bm25 (SQLite) and
 * ts_rank (PostgreSQL) order close hits differently, so the order is compared where the field
 * weights decide it: a title hit above hits in the body only.
 */
const ARTICLES: NewArticle[] = [
  { slug: 'refund', title: 'How do I get a refund?', locale: 'en', status: 'published', questions: ['I want my money back'], body: 'Open your order and press Request refund. We answer within three working days.' },
  { slug: 'delivery', title: 'Delivery times and costs', locale: 'en', status: 'published', body: 'Delivery takes two to five days; a refunded order is never charged for delivery.' },
  { slug: 'address', title: 'Change the delivery address', locale: 'en', status: 'draft', body: 'Before the parcel ships you can change the address. Café orders excepted.' },
  { slug: 'tuikuan', title: '如何申请退款', locale: 'zh-CN', status: 'published', questions: ['怎么退钱'], body: '在“我的订单”里找到订单，点击“申请退款”，我们会在三个工作日内处理。' },
  { slug: 'fapiao', title: '发票怎么开', locale: 'zh-CN', status: 'published', questions: ['能开发票吗'], body: '在订单详情页点击“开发票”，退款后发票作废。' },
  { slug: 'tuihuo', title: '退貨與退款', locale: 'zh-TW', status: 'published', body: '請在訂單頁面申請退貨，退款將於七個工作天內退回。' },
  { slug: 'zhanghao', title: '帳號安全', locale: 'zh-TW', status: 'archived', body: '請定期更換密碼，不要把帳號借給他人。' },
];

const SEARCHES: Array<{ q: string; locale: KbLocale | null; status?: null; mode?: 'any' }> = [
  { q: 'refund', locale: 'en' },
  { q: 'refun', locale: null },
  { q: 'REFUNDED', locale: null },
  { q: 'delivery', locale: 'en' },
  { q: 'cafe', locale: null, status: null },
  { q: '退款', locale: null },
  { q: '退款', locale: 'zh-CN' },
  { q: '退', locale: null },
  { q: '申请退款', locale: null },
  { q: '請退款', locale: null },
  { q: '退貨', locale: 'zh-TW' },
  { q: '帳號', locale: null },
  { q: '帳號', locale: null, status: null },
  { q: 'money back', locale: 'en' },
  { q: '我想申请退款，订单号 20231101，东西坏了', locale: 'zh-CN', mode: 'any' },
  { q: 'my delivery was refunded but the address is wrong', locale: null, mode: 'any' },
  { q: 'nothing like this', locale: null },
];

interface Kb {
  t: TestApp;
  slugOf: Map<number, string>;
}

async function kb(database: Record<string, unknown>): Promise<Kb> {
  const t = await createTestApp({ database });
  const slugOf = new Map<number, string>();
  for (const article of ARTICLES) slugOf.set((await makeArticle(t, article)).id, article.slug!);
  return { t, slugOf };
}

async function found(k: Kb, s: (typeof SEARCHES)[number]): Promise<string[]> {
  const hits = await searchArticles(k.t.ctx, s.q, s.locale, 20, { ...(s.status === null ? { status: null } : {}), ...(s.mode ? { mode: s.mode } : {}) });
  return hits.map((h) => k.slugOf.get(h.id)!);
}

describe.skipIf(postgresUnavailable() !== null)('knowledge base search on SQLite and PostgreSQL', () => {
  const postgres = usePostgres();
  let sqlite: Kb;
  let pg: Kb;

  beforeAll(async () => {
    sqlite = await kb({ driver: 'sqlite' });
    pg = await kb({ driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 });
  }, 60_000);

  afterAll(async () => {
    await sqlite?.t.close();
    await pg?.t.close();
  });

  it('finds the same articles for every search', async () => {
    let total = 0;
    for (const s of SEARCHES) {
      const expected = (await found(sqlite, s)).sort();
      expect((await found(pg, s)).sort(), JSON.stringify(s)).toEqual(expected);
      total += expected.length;
    }
    expect(total).toBeGreaterThan(20);
  });

  it('ranks a title hit above hits in the body only, on both drivers', async () => {
    for (const k of [sqlite, pg]) {
      expect((await found(k, { q: 'refund', locale: 'en' }))[0]).toBe('refund');
      expect((await found(k, { q: '退款', locale: null }))[0]).toMatch(/^(tuikuan|tuihuo)$/);
      expect((await found(k, { q: '发票', locale: 'zh-CN' }))).toEqual(['fapiao']);
    }
  });

  it('follows edits and deletes', async () => {
    for (const k of [sqlite, pg]) {
      const id = [...k.slugOf].find(([, slug]) => slug === 'fapiao')![0];
      const res = await k.t.app.inject({ method: 'PATCH', url: `/api/v1/kb/articles/${id}`, headers: k.t.admin.headers, payload: { title: '电子发票', body: '开票说明' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(await found(k, { q: '怎么开', locale: null })).toEqual([]);
      expect(await found(k, { q: '电子发票', locale: null })).toEqual(['fapiao']);
      const gone = await k.t.app.inject({ method: 'DELETE', url: `/api/v1/kb/articles/${id}`, headers: k.t.admin.headers });
      expect(gone.statusCode, gone.body).toBeLessThan(300);
      expect(await found(k, { q: '电子发票', locale: null })).toEqual([]);
    }
  });
});
