import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../../server/http/errors.js';
import type { ArticleSummary, ArticleView, CategoryView, RevisionView } from '../../../server/modules/kb/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';
import { makeArticle } from './fixtures.js';

let t: TestApp;
let agent: Session;
let supervisor: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  supervisor = await t.signIn('supervisor');
});
afterAll(async () => t.close());

describe('knowledge base articles', () => {
  it('creates a Chinese article with alternative questions and answers 201 { article: { id, slug } }', async () => {
    const res = await as(t, t.admin).post<{ article: ArticleView }>('/kb/articles', {
      title: '如何申请退款',
      body: '打开 **订单**，点击「申请退款」。',
      locale: 'zh-CN',
      status: 'published',
      questions: ['怎么退钱', ' 怎么退钱 '],
    });
    expect(res.status).toBe(201);
    const a = res.body.article;
    expect(a.id).toBeGreaterThan(0);
    expect(a.slug).toBe('如何申请退款');
    expect(a.questions).toEqual(['怎么退钱']);
    expect(a.html).toBe('<p>打开 <strong>订单</strong>，点击「申请退款」。</p>\n');
    expect(a.url).toBe(`/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}`);
    expect(a.publishedAt).not.toBeNull();
    expect({ views: a.views, helpful: a.helpful, notHelpful: a.notHelpful, botUsed: a.botUsed, botResolved: a.botResolved }).toEqual({
      views: 0, helpful: 0, notHelpful: 0, botUsed: 0, botResolved: 0,
    });
  });

  it('keeps slugs unique per locale: a second title gets -2, the same slug in another locale is fine', async () => {
    const one = await makeArticle(t, { title: 'Reset your password', body: 'x', locale: 'en' });
    const two = await makeArticle(t, { title: 'Reset your password!', body: 'y', locale: 'en' });
    const zh = await makeArticle(t, { title: 'x', slug: 'reset-your-password', body: 'z', locale: 'zh-TW' });
    expect([one.slug, two.slug, zh.slug]).toEqual(['reset-your-password', 'reset-your-password-2', 'reset-your-password']);
    const clash = await as(t, t.admin).post<ErrorBody>('/kb/articles', { title: 'a', slug: 'reset-your-password', body: '', locale: 'en' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('slug_taken');
  });

  it('links translations in one group, one article per locale', async () => {
    const en = await makeArticle(t, { title: 'Shipping times', body: 'Three days.', locale: 'en', status: 'published' });
    const cn = await makeArticle(t, { title: '配送时间', body: '三天。', locale: 'zh-CN', translationOf: en.id });
    const tw = await makeArticle(t, { title: '配送時間', body: '三天。', locale: 'zh-TW', translationOf: cn.id });
    expect(new Set([en.translationGroup, cn.translationGroup, tw.translationGroup])).toEqual(new Set([en.id]));
    const read = await as(t, agent).get<{ article: ArticleView }>(`/kb/articles/${en.id}`);
    expect(read.body.article.translations.map((x) => [x.locale, x.id])).toEqual([['zh-CN', cn.id], ['zh-TW', tw.id]]);
    const dup = await as(t, t.admin).post<ErrorBody>('/kb/articles', { title: '又一个', body: '', locale: 'zh-CN', translationOf: tw.id });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('translation_exists');
  });

  it('lets every agent read but only admins and supervisors write', async () => {
    const denied = await as(t, agent).post<ErrorBody>('/kb/articles', { title: 'Nope', body: '', locale: 'en' });
    expect(denied.status).toBe(403);
    const made = await makeArticle(t, { title: 'Supervisor wrote this', body: 'ok', locale: 'en' }, supervisor);
    expect((await as(t, agent).patch<ErrorBody>(`/kb/articles/${made.id}`, { title: 'x' })).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/kb/articles' })).statusCode).toBe(401);
  });

  it('lists with locale, status and category filters', async () => {
    const cat = await as(t, t.admin).post<{ category: CategoryView }>('/kb/categories', { name: 'Billing', names: { 'zh-CN': '账单' } });
    expect(cat.status).toBe(201);
    const catId = cat.body.category.id;
    const a = await makeArticle(t, { title: 'Invoices', body: 'PDF', locale: 'en', status: 'published', categoryId: catId });
    await makeArticle(t, { title: 'Invoices draft', body: 'PDF', locale: 'en', status: 'draft', categoryId: catId });
    const list = await as(t, agent).get<{ items: ArticleSummary[] }>(`/kb/articles?locale=en&status=published&categoryId=${catId}`);
    expect(list.body.items.map((x) => x.id)).toEqual([a.id]);
    const cats = await as(t, agent).get<{ items: CategoryView[] }>('/kb/categories');
    expect(cats.body.items.find((c) => c.id === catId)).toMatchObject({ slug: 'billing', names: { 'zh-CN': '账单' }, articleCount: 1 });
  });

  it('nests categories one level only', async () => {
    const top = await as(t, t.admin).post<{ category: CategoryView }>('/kb/categories', { name: 'Account' });
    const sub = await as(t, t.admin).post<{ category: CategoryView }>('/kb/categories', { name: 'Login', parentId: top.body.category.id });
    expect(sub.status).toBe(201);
    const deeper = await as(t, t.admin).post<ErrorBody>('/kb/categories', { name: 'Two factor', parentId: sub.body.category.id });
    expect(deeper.status).toBe(400);
    expect(deeper.body.error.details).toEqual({ field: 'parentId' });
  });
});

describe('revisions', () => {
  it('records who saved what and when, and restores an old revision as a new one', async () => {
    const a = await makeArticle(t, { title: 'Returns', body: 'Version one', locale: 'en' });
    await as(t, supervisor).patch(`/kb/articles/${a.id}`, { body: 'Version two', questions: ['how do I return'] });
    await as(t, t.admin).patch(`/kb/articles/${a.id}`, { status: 'published' });
    const revs = await as(t, agent).get<{ items: RevisionView[] }>(`/kb/articles/${a.id}/revisions`);
    // Publishing changed no text, so it made no revision.
    expect(revs.body.items.map((r) => [r.body, r.agent?.id, r.questions])).toEqual([
      ['Version two', supervisor.agentId, ['how do I return']],
      ['Version one', t.admin.agentId, []],
    ]);
    const first = revs.body.items[1]!;
    const restored = await as(t, t.admin).post<{ article: ArticleView }>(`/kb/articles/${a.id}/revisions/${first.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.article).toMatchObject({ body: 'Version one', questions: [], status: 'published' });
    const after = await as(t, agent).get<{ items: RevisionView[] }>(`/kb/articles/${a.id}/revisions`);
    expect(after.body.items.map((r) => r.body)).toEqual(['Version one', 'Version two', 'Version one']);
    const other = await makeArticle(t, { title: 'Other', body: 'o', locale: 'en' });
    expect((await as(t, t.admin).post(`/kb/articles/${other.id}/revisions/${first.id}/restore`)).status).toBe(404);
  });
});

describe('votes', () => {
  const vote = (id: number, helpful: boolean, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'POST', url: `/api/v1/kb/articles/${id}/votes`, payload: { helpful }, headers });

  it('counts one vote per visitor; voting again replaces it', async () => {
    const a = await makeArticle(t, { title: 'Vote on me', body: 'b', locale: 'en', status: 'published' });
    const alice = { cookie: 'kefu_hc=aaaaaaaaaaaaaaaaaaaaaaaa' };
    const bob = { cookie: 'kefu_hc=bbbbbbbbbbbbbbbbbbbbbbbb' };
    expect((await vote(a.id, true, alice)).json()).toEqual({ helpful: 1, notHelpful: 0 });
    expect((await vote(a.id, true, alice)).json()).toEqual({ helpful: 1, notHelpful: 0 });
    expect((await vote(a.id, false, bob)).json()).toEqual({ helpful: 1, notHelpful: 1 });
    expect((await vote(a.id, false, alice)).json()).toEqual({ helpful: 0, notHelpful: 2 });
    // Without a cookie the address is the visitor.
    expect((await vote(a.id, true)).json()).toEqual({ helpful: 1, notHelpful: 2 });
    expect((await vote(a.id, true)).json()).toEqual({ helpful: 1, notHelpful: 2 });
  });

  it('refuses votes on drafts and rate-limits an address', async () => {
    const draft = await makeArticle(t, { title: 'Secret draft', body: 'b', locale: 'en' });
    expect((await vote(draft.id, true)).statusCode).toBe(404);
    const a = await makeArticle(t, { title: 'Popular', body: 'b', locale: 'en', status: 'published' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await vote(a.id, i % 2 === 0, { cookie: `kefu_hc=visitor-${String(i).padStart(16, '0')}`, 'x-forwarded-for': '' })).statusCode);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(30);
  });
});
