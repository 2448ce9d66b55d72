import type { SurveyLanguage } from './settings.js';
import type { CsatScale } from './tables.js';

/**
 * What the customer reads, in the survey mail and on the survey pages, in each language surveys speak.
 * Whole sentences per language (word order differs); {n} is the ticket number, {score} a score's label.
 */
export interface SurveyTexts {
  subject: string;
  greeting: (name: string | null) => string;
  question: (subject: string) => string;
  pickOne: string;
  footer: string;
  scores: Record<CsatScale, Record<number, string>>;
  pageTitle: string;
  thanks: string;
  recorded: (label: string) => string;
  already: (label: string) => string;
  commentLabel: string;
  commentSend: string;
  commentThanks: string;
  commentTooLong: string;
  invalidScore: string;
  forged: string;
  notFound: string;
  expired: string;
}

const FACES = { 1: '😞', 3: '😐', 5: '😀' } as const;

export const SURVEY_TEXTS: Record<SurveyLanguage, SurveyTexts> = {
  en: {
    subject: 'How did we do?',
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    question: (subject) => `How would you rate the help you received with “${subject}”?`,
    pickOne: 'One click on a rating is all it takes:',
    footer: 'Thank you for helping us improve.',
    scores: {
      '1-5': { 1: '1 – Very poor', 2: '2 – Poor', 3: '3 – OK', 4: '4 – Good', 5: '5 – Excellent' },
      faces: { 1: `${FACES[1]} Unhappy`, 3: `${FACES[3]} Neutral`, 5: `${FACES[5]} Happy` },
    },
    pageTitle: 'Your rating',
    thanks: 'Thank you for your rating!',
    recorded: (label) => `We recorded: ${label}.`,
    already: (label) => `You already rated this ticket: ${label}. Only the first rating counts.`,
    commentLabel: 'Anything you would like to add? (optional)',
    commentSend: 'Send comment',
    commentThanks: 'Thank you, we received your comment.',
    commentTooLong: 'Your comment is too long (at most 1000 characters).',
    invalidScore: 'Please choose one of the ratings below.',
    forged: 'This survey link is not valid. Please use the link from your email as it is.',
    notFound: 'This survey no longer exists.',
    expired: 'This survey link has expired.',
  },
  'zh-CN': {
    subject: '您对我们的服务满意吗？',
    greeting: (name) => (name ? `${name}，您好：` : '您好：'),
    question: (subject) => `您对“${subject}”这次获得的帮助满意吗？`,
    pickOne: '点击下面任意一个评分即可：',
    footer: '感谢您帮助我们改进服务。',
    scores: {
      '1-5': { 1: '1 – 非常不满意', 2: '2 – 不满意', 3: '3 – 一般', 4: '4 – 满意', 5: '5 – 非常满意' },
      faces: { 1: `${FACES[1]} 不满意`, 3: `${FACES[3]} 一般`, 5: `${FACES[5]} 满意` },
    },
    pageTitle: '您的评价',
    thanks: '感谢您的评价！',
    recorded: (label) => `我们已记录：${label}。`,
    already: (label) => `您已经评价过这个工单：${label}。只有第一次评价有效。`,
    commentLabel: '还有什么想告诉我们的吗？（可选）',
    commentSend: '提交留言',
    commentThanks: '谢谢，我们已收到您的留言。',
    commentTooLong: '留言太长了（最多 1000 个字）。',
    invalidScore: '请从下面选择一个评分。',
    forged: '此调查链接无效，请直接使用邮件中的链接。',
    notFound: '此调查已不存在。',
    expired: '此调查链接已过期。',
  },
  'zh-TW': {
    subject: '您對我們的服務滿意嗎？',
    greeting: (name) => (name ? `${name}，您好：` : '您好：'),
    question: (subject) => `您對「${subject}」這次獲得的協助滿意嗎？`,
    pickOne: '點選下面任一個評分即可：',
    footer: '感謝您協助我們改進服務。',
    scores: {
      '1-5': { 1: '1 – 非常不滿意', 2: '2 – 不滿意', 3: '3 – 普通', 4: '4 – 滿意', 5: '5 – 非常滿意' },
      faces: { 1: `${FACES[1]} 不滿意`, 3: `${FACES[3]} 普通`, 5: `${FACES[5]} 滿意` },
    },
    pageTitle: '您的評價',
    thanks: '感謝您的評價！',
    recorded: (label) => `我們已記錄：${label}。`,
    already: (label) => `您已經評價過這張工單：${label}。只有第一次評價有效。`,
    commentLabel: '還有什麼想告訴我們的嗎？（選填）',
    commentSend: '送出留言',
    commentThanks: '謝謝，我們已收到您的留言。',
    commentTooLong: '留言太長了（最多 1000 個字）。',
    invalidScore: '請從下面選擇一個評分。',
    forged: '此調查連結無效，請直接使用郵件中的連結。',
    notFound: '此調查已不存在。',
    expired: '此調查連結已過期。',
  },
};

/** The scores a scale offers, in the order the mail and page list them (best first). */
export const scoresOf = (scale: CsatScale): number[] => (scale === 'faces' ? [5, 3, 1] : [5, 4, 3, 2, 1]);

export const scoreLabel = (lang: SurveyLanguage, scale: CsatScale, score: number): string =>
  SURVEY_TEXTS[lang].scores[scale][score] ?? SURVEY_TEXTS[lang].scores['1-5'][score] ?? String(score);
