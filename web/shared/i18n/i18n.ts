// Every user-visible string goes through t(). Keys are checked against the English file at compile time;
// the Chinese files are typed as Messages, so a missing key fails `tsc`.
import en from './en.json';
import type { Language } from '../types.js';

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
export type Params = Record<string, string | number>;

export const LANGUAGES: { code: Language; label: string }[] = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
  { code: 'zh-TW', label: '繁體中文' },
];

let messages: Messages = en;
let language: Language = 'en';

/** Picks a supported language from a saved preference, then the browser's list. */
export function resolveLanguage(preferred: string | null | undefined, browser: readonly string[] = []): Language {
  for (const cand of [preferred, ...browser]) {
    if (!cand) continue;
    const c = cand.toLowerCase();
    if (c === 'en' || c.startsWith('en-')) return 'en';
    if (c === 'zh-tw' || c === 'zh-hk' || c === 'zh-mo' || c.startsWith('zh-hant')) return 'zh-TW';
    if (c === 'zh' || c.startsWith('zh-')) return 'zh-CN';
  }
  return 'en';
}

export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function t(key: MessageKey, params?: Params): string {
  return interpolate(messages[key] ?? en[key] ?? key, params);
}

export function currentLanguage(): Language {
  return language;
}

export async function loadMessages(lang: Language): Promise<Messages> {
  switch (lang) {
    case 'zh-CN':
      return (await import('./zh-CN.json')).default;
    case 'zh-TW':
      return (await import('./zh-TW.json')).default;
    default:
      return en;
  }
}

/** Chinese catalogues are separate chunks so English users never download them. */
export async function setLanguage(lang: Language): Promise<void> {
  messages = await loadMessages(lang);
  language = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}
