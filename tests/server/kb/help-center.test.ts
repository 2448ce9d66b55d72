import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { removeStaleUploads } from '../../../server/modules/attachments/service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { problemsOf } from '../../helpers/config-problems.js';
import { as } from '../tickets/fixtures.js';
import { makeArticle } from './fixtures.js';

let t: TestApp;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

beforeAll(async () => {
  t = await createTestApp({
    server: { public_url: 'https://help.example.test' },
    help_center: { title: 'Acme Help', brand_color: '#0f766e', logo_url: '/logo.svg', contact_url: 'https://acme.example/contact' },
  });
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('help center pages', () => {
  let refundId = 0;
  beforeAll(async () => {
    const cat = await as(t, t.admin).post<{ category: { id: number } }>('/kb/categories', { name: 'Orders', slug: 'orders', names: { 'zh-CN': '订单' } });
    const en = await makeArticle(t, { title: 'How to request a refund', body: 'Open **Orders** and press Refund.', locale: 'en', status: 'published', categoryId: cat.body.category.id });
    const cn = await makeArticle(t, { title: '如何申请退款', body: '# 步骤\n\n打开 **订单**，点击退款。\n\n<script>alert(1)</script>', locale: 'zh-CN', status: 'published', categoryId: cat.body.category.id, translationOf: en.id, questions: ['怎么退钱'] });
    refundId = cn.id;
    await makeArticle(t, { title: '内部草稿 Secret draft', body: 'not yet', locale: 'zh-CN', status: 'draft', categoryId: cat.body.category.id });
    await makeArticle(t, { title: 'Old <b>archived</b>', body: 'gone', locale: 'en', status: 'archived' });
    await makeArticle(t, { title: 'Tag <script>alert(1)</script> & more', body: 'x', locale: 'en', status: 'published' });
  });

  it('serves a home page in the reader’s language with categories, a search form and the brand', async () => {
    const res = await get('/help', { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['content-security-policy']).not.toMatch(/script-src/);
    const page = res.body;
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(count(page, /<h1[ >]/g)).toBe(1);
    expect(page).toContain('有什么可以帮您？');
    expect(page).toContain('<form class="search" role="search" action="/help/search" method="get">');
    expect(page).toContain('<a href="/help/zh-CN/categories/orders">订单</a>');
    expect(page).toContain('如何申请退款');
    expect(page).not.toContain('Secret draft');
    expect(page).toContain('--brand:#0f766e');
    expect(page).toContain('<img src="/logo.svg" alt="Acme Help 标志">');
    expect(page).toContain('<a class="button" href="https://acme.example/contact">联系我们</a>');
    expect(page).toContain('<link rel="canonical" href="https://help.example.test/help/zh-CN">');
    expect(page).toContain('<link rel="alternate" hreflang="zh-TW" href="https://help.example.test/help/zh-TW">');
    expect(page).not.toMatch(/<script/);
    expect(page).toContain('"PingFang SC"');
  });

  it('shows an article with canonical URL, hreflang to its translations, Open Graph and vote forms', async () => {
    const res = await get(`/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}`);
    expect(res.statusCode).toBe(200);
    const page = res.body;
    const url = `https://help.example.test/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}`;
    expect(page).toContain(`<link rel="canonical" href="${url}">`);
    expect(page).toContain(`<meta property="og:url" content="${url}">`);
    expect(page).toContain('<meta property="og:type" content="article">');
    expect(page).toContain('<meta property="og:title" content="如何申请退款">');
    expect(page).toContain('<link rel="alternate" hreflang="en" href="https://help.example.test/help/en/articles/how-to-request-a-refund">');
    expect(page).toContain('<link rel="alternate" hreflang="x-default"');
    expect(page).toContain('<a href="/help/en/articles/how-to-request-a-refund" hreflang="en" lang="en">English</a>');
    expect(page).toContain('打开 <strong>订单</strong>，点击退款。');
    expect(count(page, /<h1[ >]/g)).toBe(1);
    expect(page).not.toMatch(/<script/);
    expect(page).toContain(`<form method="post" action="/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}/vote">`);
    expect(res.cookies.find((c) => c.name === 'kefu_hc')).toBeTruthy();
  });

  it('escapes titles everywhere', async () => {
    const page = (await get('/help/en')).body;
    expect(page).toContain('Tag &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(page).not.toMatch(/<script/);
  });

  it('answers 404 for drafts, archived articles, unknown slugs and locales', async () => {
    for (const url of [
      `/help/zh-CN/articles/${encodeURIComponent('内部草稿-secret-draft')}`,
      '/help/en/articles/old-b-archived-b',
      '/help/en/articles/nope',
      '/help/fr/articles/how-to-request-a-refund',
      '/help/en/categories/nope',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toMatch(/<h1>(Page not found|页面不存在)<\/h1>/);
    }
  });

  it('searches with the CJK-aware index: 退款 finds 申请退款, so does an alternative question', async () => {
    const page = (await get(`/help/search?q=${encodeURIComponent('退款')}&locale=zh-CN`)).body;
    expect(page).toContain('“退款”的搜索结果');
    expect(page).toContain(`<a href="/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}">如何申请退款</a>`);
    expect(page).not.toContain('Secret draft');
    expect(page).toContain('<meta name="robots" content="noindex">');
    expect((await get(`/help/search?q=${encodeURIComponent('怎么退钱')}&locale=zh-CN`)).body).toContain('如何申请退款');
    const none = (await get(`/help/search?q=${encodeURIComponent('<i>x</i>')}&locale=en`)).body;
    expect(none).toContain('Nothing matches “&lt;i&gt;x&lt;/i&gt;”');
  });

  it('counts a vote from a plain HTML form once per visitor and redirects back with thanks', async () => {
    const path = `/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}`;
    const post = (helpful: string, cookie: string) =>
      t.app.inject({ method: 'POST', url: `${path}/vote`, payload: `helpful=${helpful}`, headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
    const first = await post('yes', 'kefu_hc=0123456789abcdef0123');
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`${path}?voted=thanks#feedback`);
    await post('yes', 'kefu_hc=0123456789abcdef0123');
    await post('no', 'kefu_hc=fedcba9876543210fedc');
    const article = await as(t, t.admin).get<{ article: { helpful: number; notHelpful: number; views: number } }>(`/kb/articles/${refundId}`);
    expect(article.body.article).toMatchObject({ helpful: 1, notHelpful: 1 });
    expect(article.body.article.views).toBeGreaterThan(0);
    expect((await get(`${path}?voted=thanks`)).body).toContain('感谢您的反馈。');
  });

  it('publishes a sitemap in the sitemaps.org namespace with translations as alternates', async () => {
    const res = await get('/help/sitemap.xml');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"');
    expect(res.body).toContain('<loc>https://help.example.test/help/en/articles/how-to-request-a-refund</loc>');
    expect(res.body).toContain(`hreflang="zh-CN" href="https://help.example.test/help/zh-CN/articles/${encodeURIComponent('如何申请退款')}"`);
    expect(res.body).not.toContain('secret-draft');
    expect(res.body).not.toContain('archived');
  });
});

describe('article images', () => {
  it('serves an uploaded image publicly only while a published article shows it, and keeps it from the stale-upload sweep', async () => {
    const boundary = 'kbboundary';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="step.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const up = await t.app.inject({ method: 'POST', url: '/api/v1/attachments', payload, headers: { ...t.admin.headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(up.statusCode).toBe(201);
    const id = up.json<{ attachment: { id: number } }>().attachment.id;
    const src = `/help/files/${id}/step.png`;
    expect((await get(src)).statusCode).toBe(404);
    const a = await makeArticle(t, { title: 'With a picture', body: `![Step one](${src})`, locale: 'en', status: 'draft' });
    expect((await get(src)).statusCode).toBe(404);
    await as(t, t.admin).patch(`/kb/articles/${a.id}`, { status: 'published' });
    const img = await get(src);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect((await get('/help/en/articles/with-a-picture')).body).toContain(`<img src="${src}" alt="Step one" loading="lazy" />`);
    await removeStaleUploads(t.ctx, 0, Date.now() + 1000);
    expect((await get(src)).statusCode).toBe(200);
  });
});

describe('help_center config', () => {
  it.each([
    [{ brand_color: 'red' }, 'help_center.brand_color'],
    [{ logo_url: 'javascript:alert(1)' }, 'help_center.logo_url'],
    [{ contact_url: 'java\nscript:x' }, 'help_center.contact_url'],
  ])('refuses %j naming the key', (value, key) => {
    const problems = problemsOf(() => configFromObject({ help_center: value }, {}, '/tmp'));
    expect(problems.join('\n')).toContain(key);
  });
});

describe('API docs', () => {
  it('document the knowledge base API but not the help center pages', async () => {
    const doc = (await get('/api/docs/json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/kb/articles', '/api/v1/kb/articles/{id}/revisions', '/api/v1/kb/suggestions', '/api/v1/kb/search']));
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/help'))).toEqual([]);
  });
});
