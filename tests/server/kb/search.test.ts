import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToText } from '../../../server/modules/kb/markdown.js';
import type { SearchHit } from '../../../server/modules/kb/schemas.js';
import { searchArticles } from '../../../server/modules/kb/search.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';
import { makeArticle } from './fixtures.js';

let t: TestApp;
let agent: Session;
const ids: Record<string, number> = {};

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  const put = async (key: string, input: Parameters<typeof makeArticle>[1]) => (ids[key] = (await makeArticle(t, input)).id);
  await put('refund', { title: '如何申请退款', body: '在订单页点击按钮即可。', locale: 'zh-CN', status: 'published' });
  await put('bodyOnly', { title: '订单常见问题', body: '发货后仍可以申请退款，但需要先联系客服。'.repeat(3), locale: 'zh-CN', status: 'published' });
  await put('question', { title: '钱包余额说明', body: '余额可以提现到银行卡。', locale: 'zh-CN', status: 'published', questions: ['怎么退钱'] });
  await put('draft', { title: '退款草稿', body: '还没写完', locale: 'zh-CN', status: 'draft' });
  await put('tw', { title: '如何申請退款', body: '在訂單頁點擊退款。', locale: 'zh-TW', status: 'published' });
  await put('en', { title: 'Requesting a refund', body: 'Open the order page and press Refund.', locale: 'en', status: 'published' });
});
afterAll(async () => t.close());

const search = (q: string, locale: 'en' | 'zh-CN' | 'zh-TW' | null = 'zh-CN') => searchArticles(t.ctx, q, locale, 10);

describe('knowledge base search', () => {
  it('finds 申请退款 for 退款, title hits above body hits, published only', async () => {
    const hits = await search('退款');
    expect(hits.map((h) => h.id)).toEqual([ids.refund, ids.bodyOnly]);
  });

  it('finds an article by its alternative question', async () => {
    expect((await search('怎么退钱')).map((h) => h.id)).toEqual([ids.question]);
  });

  it('finds one-character queries and keeps to the locale asked for', async () => {
    expect((await search('钱')).map((h) => h.id)).toEqual([ids.question]);
    expect((await search('退款', 'zh-TW')).map((h) => h.id)).toEqual([ids.tw]);
    expect((await search('refund', 'en')).map((h) => h.id)).toEqual([ids.en]);
    expect((await search('REFUND ORDER', null)).map((h) => h.id)).toEqual([ids.en]);
    expect(await search('   ')).toEqual([]);
  });

  it('follows edits and deletes', async () => {
    await as(t, t.admin).patch(`/kb/articles/${ids.question}`, { questions: ['余额去哪了'] });
    expect(await search('怎么退钱')).toEqual([]);
    expect((await search('余额去哪')).map((h) => h.id)).toEqual([ids.question]);
    await as(t, t.admin).del(`/kb/articles/${ids.question}`);
    expect(await search('余额')).toEqual([]);
  });

  it('is served to agents at GET /kb/search with a snippet', async () => {
    const res = await as(t, agent).get<{ items: SearchHit[] }>(`/kb/search?q=${encodeURIComponent('申请退款')}&locale=zh-CN`);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ id: ids.refund, title: '如何申请退款', snippet: '在订单页点击按钮即可。' });
  });
});

describe('markdown rendering', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', /onerror/],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/],
    ['[x](javascript:alert(1))', /javascript:/],
    ['[x](JaVaScRiPt:alert(1))', /javascript:/i],
    ['<svg><script>alert(1)</script></svg>', /script/],
    ['<div style="background:url(https://evil.example/x)">x</div>', /url\(/],
    ['<style>@import "https://evil.example/x.css";</style>\n\nx', /@import|evil/],
    ['<link rel=stylesheet href="https://evil.example/x.css">', /<link/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /refresh/],
    ['<form action="https://evil.example"><input name=a></form>', /<form|<input/],
    ['<a href="//evil.example/x">x</a>', /evil/],
    ['<iframe src="https://evil.example"></iframe>', /iframe/],
    ['![x](data:image/svg+xml;base64,PHN2Zz4=)', /data:/],
    ['<p onclick="alert(1)">x</p>', /onclick/],
  ])('removes the danger in %s', (markdown, bad) => {
    expect(markdownToHtml(markdown)).not.toMatch(bad);
  });

  it('keeps headings, lists, tables, code, links and images', () => {
    const html = markdownToHtml('## 步骤\n\n1. 打开 [订单](https://shop.example/orders)\n\n![截图](/help/files/3/a.png)\n\n`code`\n\n| a |\n|---|\n| 1 |');
    expect(html).toContain('<h3>步骤</h3>');
    expect(html).toContain('<a href="https://shop.example/orders" rel="noopener noreferrer nofollow">订单</a>');
    expect(html).toContain('<img src="/help/files/3/a.png" alt="截图" loading="lazy" />');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<td>1</td>');
  });

  it('puts body headings below the title, the page’s one h1', () => {
    expect(markdownToHtml('# 一\n\n## 二\n\n###### 六')).toBe('<h2>一</h2>\n<h3>二</h3>\n<h6>六</h6>\n');
  });

  it('gives plain text with list items kept as steps and entities decoded', () => {
    expect(markdownToText('## 步骤\n\n1. 打开 **订单**\n2. 点击 <b>退款</b> & 等待')).toBe('步骤\n- 打开 订单\n- 点击 退款 & 等待');
  });
});
