import en from '../../web/shared/i18n/en.json' with { type: 'json' };
import zhCN from '../../web/shared/i18n/zh-CN.json' with { type: 'json' };
import zhTW from '../../web/shared/i18n/zh-TW.json' with { type: 'json' };
import type { KbLocale } from '../modules/kb/tables.js';

/** The help center's strings live with the apps' in web/shared/i18n, under `help.`. */
export type HelpKey = Extract<keyof typeof en, `help.${string}`>;
export type Translate = (key: HelpKey, params?: Record<string, string | number>) => string;

const CATALOGS: Record<KbLocale, Record<string, string>> = { en, 'zh-CN': zhCN, 'zh-TW': zhTW };

export function translator(locale: KbLocale): Translate {
  const catalog = CATALOGS[locale];
  return (key, params) => {
    const template = catalog[key] ?? en[key];
    return params ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : template;
  };
}

/** How each locale names itself in the language switcher. */
export const LOCALE_NAMES: Record<KbLocale, string> = { en: 'English', 'zh-CN': '简体中文', 'zh-TW': '繁體中文' };

/** The reader's locale from Accept-Language: Traditional for TW/HK/MO/Hant, Simplified for other zh. */
export function localeFromHeader(header: string | undefined): KbLocale {
  const tags = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((x) => x.tag !== '' && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (/^zh-(tw|hk|mo|hant)/.test(tag)) return 'zh-TW';
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}
