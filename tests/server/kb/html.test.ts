import { describe, expect, it } from 'vitest';
import { html, trusted, type HtmlValue } from '../../../server/help/html.js';
import { localeFromHeader } from '../../../server/help/messages.js';

describe('html template', () => {
  it.each<[HtmlValue, string]>([
    ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    ['" onmouseover="x', '<p>&quot; onmouseover=&quot;x</p>'],
    ["'&'", '<p>&#39;&amp;&#39;</p>'],
    [42, '<p>42</p>'],
    [null, '<p></p>'],
    [false, '<p></p>'],
  ])('escapes %j', (value, expected) => {
    expect(html`<p>${value}</p>`.value).toBe(expected);
  });

  it('nests templates and arrays without escaping them twice, and passes trusted markup through', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>${trusted('<em>ok</em>')}`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul><em>ok</em>');
  });
});

describe('help center locale from Accept-Language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh', 'zh-CN'],
    ['zh-TW', 'zh-TW'],
    ['zh-HK,en;q=0.5', 'zh-TW'],
    ['zh-Hant-TW', 'zh-TW'],
    ['en-GB,zh-CN;q=0.9', 'en'],
    ['fr-FR,zh-CN;q=0.4', 'zh-CN'],
    ['en;q=0.2,zh-TW;q=0.8', 'zh-TW'],
    ['de', 'en'],
  ])('reads %j as %s', (header, locale) => {
    expect(localeFromHeader(header)).toBe(locale);
  });
});
