import { describe, expect, it } from 'vitest';
import { html, trusted } from '../../../server/help/html.js';

describe('html template', () => {
  it.each([
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
