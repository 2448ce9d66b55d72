import { describe, expect, it } from 'vitest';
import { snippet, textMatcher } from '../../../server/search/snippet.js';
import { parseQuery } from '../../../server/search/tokenize.js';

describe('snippet', () => {
  it.each([
    ['我想申请退款', '退款', '我想申请<mark>退款</mark>'],
    ['Refunded <b>twice</b>', 'refund', '<mark>Refunded</mark> &lt;b&gt;twice&lt;/b&gt;'],
    ['prefund and refund', 'refund', 'prefund and <mark>refund</mark>'],
    ['退货退款', '退', '<mark>退</mark>货<mark>退</mark>款'],
    ['Order & 订单', 'order 订单', '<mark>Order</mark> &amp; <mark>订单</mark>'],
    ['a "quote" & \'apostrophe\'', 'zzz', 'a &quot;quote&quot; &amp; &#39;apostrophe&#39;'],
  ])('marks hits in %j for %j', (text, q, expected) => {
    expect(snippet(text, parseQuery(q))).toBe(expected);
  });

  it('cuts long text around the first hit', () => {
    const text = `${'前'.repeat(300)}退款${'后'.repeat(300)}`;
    const out = snippet(text, parseQuery('退款'), 60);
    expect(out.startsWith('…')).toBe(true);
    expect(out.endsWith('…')).toBe(true);
    expect(out).toContain('<mark>退款</mark>');
    expect(out.replace(/<\/?mark>|…/g, '').length).toBe(60);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'😀'.repeat(100)} refund`;
    const out = snippet(text, parseQuery('refund'), 41);
    expect(out).not.toMatch(/[\ud800-\udfff]/u);
  });

  it('keeps a hit near the end of a long text in the first quarter of the excerpt', () => {
    const text = `${'清单和数量都已经核对过了，'.repeat(10)}但是还没有收到发票，麻烦尽快处理。`;
    const out = snippet(text, parseQuery('发票'), 100);
    const before = out.slice(0, out.indexOf('<mark>')).replace(/^…/, '');
    expect(out).toContain('<mark>发票</mark>');
    expect(Array.from(before).length).toBeLessThanOrEqual(25);
  });

  it.each([
    ['申请退款', '我想申请退款。', true],
    ['款退', '退货退款', false],
    ['货', '发货', true],
    ['charg', 'I was charged twice', true],
    ['arged', 'I was charged twice', false],
    ['REFUND payment', 'Please refund one payment', true],
    ['refund nothing', 'Please refund one payment', false],
    ['a', 'a b', true],
    ['a', 'abc', false],
    ['ｒｅｆｕｎｄ', 'refund', true],
  ] as const)('tests %j on %j the way the index matches it: %s', (q, text, expected) => {
    expect(textMatcher(parseQuery(q))(text)).toBe(expected);
  });
});
