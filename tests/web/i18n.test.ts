import { describe, expect, it } from 'vitest';
import en from '../../web/shared/i18n/en.json' with { type: 'json' };
import zhCN from '../../web/shared/i18n/zh-CN.json' with { type: 'json' };
import zhTW from '../../web/shared/i18n/zh-TW.json' with { type: 'json' };
import { interpolate, resolveLanguage, setLanguage, t } from '../../web/shared/i18n/i18n.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n catalogues', () => {
  for (const [name, cat] of [['zh-CN', zhCN], ['zh-TW', zhTW]] as const) {
    it(`${name} has exactly the English keys`, () => {
      expect(Object.keys(cat).sort()).toEqual(Object.keys(en).sort());
    });
    it(`${name} keeps every placeholder of the English text`, () => {
      for (const [key, text] of Object.entries(en)) {
        expect({ key, p: placeholders((cat as Record<string, string>)[key] ?? '') }).toEqual({ key, p: placeholders(text) });
      }
    });
    it(`${name} translates rather than copies English sentences`, () => {
      const same = Object.entries(en).filter(([k, v]) => /[a-z]{4,} [a-z]{3,}/i.test(v) && (cat as Record<string, string>)[k] === v);
      expect(same.map(([k]) => k)).toEqual([]);
    });
  }

  it('simplified and traditional differ where the scripts differ', () => {
    expect(zhCN['nav.settings']).toBe('设置');
    expect(zhTW['nav.settings']).toBe('設定');
  });
});

describe('resolveLanguage', () => {
  it.each([
    [null, ['zh-CN', 'en'], 'zh-CN'],
    [null, ['zh-TW'], 'zh-TW'],
    [null, ['zh-HK'], 'zh-TW'],
    [null, ['zh-Hant-TW'], 'zh-TW'],
    [null, ['zh'], 'zh-CN'],
    [null, ['fr-FR', 'de'], 'en'],
    ['zh-TW', ['en-US'], 'zh-TW'],
    ['en', ['zh-CN'], 'en'],
  ])('preference %s with browser %j gives %s', (pref, browser, expected) => {
    expect(resolveLanguage(pref, browser)).toBe(expected);
  });
});

describe('t', () => {
  it('fills named placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{n} of {m}', { n: 2 })).toBe('2 of {m}');
  });
  it('switches catalogue with setLanguage', async () => {
    await setLanguage('zh-CN');
    expect(t('bulk.selected', { n: 3 })).toBe('已选 3 个');
    await setLanguage('en');
    expect(t('bulk.selected', { n: 3 })).toBe('3 selected');
  });
});
