import type { WidgetConfigView, WidgetLanguage } from '../../server/channels/widget/protocol.js';

/** The channel's language, or the browser's when the channel says "auto". */
export function pickLanguage(channelDefault: string, browser: readonly string[]): WidgetLanguage {
  if (channelDefault === 'en' || channelDefault === 'zh-CN' || channelDefault === 'zh-TW') return channelDefault;
  for (const tag of browser) {
    const lower = tag.toLowerCase();
    if (/^zh-(tw|hk|mo)|^zh-hant/.test(lower)) return 'zh-TW';
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A configured text in the visitor's language: that language's own, else the text for all, else null. */
export function localText(texts: Record<string, string> | null | undefined, lang: WidgetLanguage): string | null {
  return texts?.[lang] ?? texts?.default ?? null;
}

/** What the chat frame is called: the channel's title in the visitor's language, or the word for chat. */
export function frameTitle(cfg: WidgetConfigView | null, lang: WidgetLanguage): string {
  return localText(cfg?.titles, lang) ?? CHAT_WORD[lang];
}

const CHAT_WORD: Record<WidgetLanguage, string> = { en: 'Chat', 'zh-CN': '在线客服', 'zh-TW': '線上客服' };
