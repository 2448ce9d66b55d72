import { describe, expect, it } from 'vitest';
import { pickLanguage, translator } from '../../../web/widget/i18n.js';

describe('widget language', () => {
  it.each([
    ['zh-TW', ['en-US'], 'zh-TW'],
    ['auto', ['zh-CN'], 'zh-CN'],
    ['auto', ['zh-HK'], 'zh-TW'],
    ['auto', ['zh-Hant-TW'], 'zh-TW'],
    ['auto', ['zh'], 'zh-CN'],
    ['auto', ['fr-FR', 'en-GB'], 'en'],
    ['auto', ['de'], 'en'],
  ])('channel %s with browser %j speaks %s', (channel, browser, expected) => {
    expect(pickLanguage(channel, browser)).toBe(expected);
  });

  it('fills placeholders in every language', () => {
    expect(translator('en')('typing', { name: 'Mei' })).toBe('Mei is typing…');
    expect(translator('zh-CN')('typing', { name: 'Mei' })).toBe('Mei 正在输入…');
    expect(translator('zh-TW')('fileTooBig', { name: 'a.png', size: '10 MB' })).toBe('a.png 超過了 10 MB。');
  });
});
