import { describe, expect, it } from 'vitest';
import { parseSnippet } from '../../web/shared/snippet.js';

describe('parseSnippet', () => {
  it('splits marked hits from plain text', () => {
    expect(parseSnippet('my <mark>退款</mark> request')).toEqual([
      { text: 'my ', mark: false },
      { text: '退款', mark: true },
      { text: ' request', mark: false },
    ]);
  });

  it('decodes escaped markup into inert text', () => {
    const parts = parseSnippet('&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>');
    expect(parts[0]).toEqual({ text: '<script>alert(1)</script> ', mark: false });
    expect(parts[1]).toEqual({ text: 'x', mark: true });
  });

  it('treats any other raw tag as text, never as markup', () => {
    const parts = parseSnippet('<img src=x onerror=alert(1)><mark>hit</mark>');
    expect(parts).toEqual([
      { text: '<img src=x onerror=alert(1)>', mark: false },
      { text: 'hit', mark: true },
    ]);
  });

  it('decodes numeric entities', () => {
    expect(parseSnippet('&#39;a&#x27; &amp; b')).toEqual([{ text: "'a' & b", mark: false }]);
  });
});
