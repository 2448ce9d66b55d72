import type { KbLocale } from '../kb/tables.js';

/**
 * What the bot says, in the visitor's language. Stored on the timeline as sent, so agents read
 * exactly what the visitor read.
 */
const TEXTS = {
  en: {
    name: 'Answer bot',
    offers: 'These articles may help:',
    handoff: 'Let me get a person for you. Please stay in the chat.',
    solved: 'Glad that helped! This chat is closed; write again any time.',
    readMore: 'Read more',
  },
  'zh-CN': {
    name: '智能助手',
    offers: '以下文章或许能帮到您：',
    handoff: '正在为您转接人工客服，请稍候。',
    solved: '很高兴能帮到您！本次对话已结束，有问题随时再来。',
    readMore: '查看全文',
  },
  'zh-TW': {
    name: '智慧助理',
    offers: '以下文章或許能幫到您：',
    handoff: '正在為您轉接真人客服，請稍候。',
    solved: '很高興能幫到您！本次對話已結束，有問題隨時再來。',
    readMore: '查看全文',
  },
} as const satisfies Record<KbLocale, Record<string, string>>;

export type BotTextKey = keyof (typeof TEXTS)['en'];

export const botText = (locale: KbLocale, key: BotTextKey): string => TEXTS[locale][key];
