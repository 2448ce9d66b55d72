import type { Language } from './service.js';

export interface MailText {
  subject: string;
  text: string;
}

/**
 * The invitation and reset mails in each language the agent app speaks. Written out whole per
 * language rather than assembled from pieces: word order differs, and a translator reads a mail.
 */
const INVITE: Record<Language, (inviter: string | null, link: string) => MailText> = {
  en: (inviter, link) => {
    const who = inviter ?? 'An administrator';
    return {
      subject: `${who} invited you to the Kefu help desk`,
      text:
        `${who} invited you to answer customers on the Kefu help desk.\n\n` +
        `Choose your name and password here (the link works once, for 7 days):\n\n${link}\n\n` +
        `If you did not expect this, ignore this mail.\n`,
    };
  },
  'zh-CN': (inviter, link) => {
    const who = inviter ?? '管理员';
    return {
      subject: `${who} 邀请您加入 Kefu 客服系统`,
      text:
        `${who} 邀请您在 Kefu 客服系统中接待客户。\n\n` +
        `请在此设置您的姓名和密码（链接只能使用一次，7 天内有效）：\n\n${link}\n\n` +
        `如果您没有预料到这封邮件，请忽略它。\n`,
    };
  },
  'zh-TW': (inviter, link) => {
    const who = inviter ?? '管理員';
    return {
      subject: `${who} 邀請您加入 Kefu 客服系統`,
      text:
        `${who} 邀請您在 Kefu 客服系統中接待客戶。\n\n` +
        `請在此設定您的姓名和密碼（連結只能使用一次，7 天內有效）：\n\n${link}\n\n` +
        `如果您沒有預期收到這封郵件，請忽略它。\n`,
    };
  },
};

const RESET: Record<Language, (email: string, link: string) => MailText> = {
  en: (email, link) => ({
    subject: 'Reset your Kefu password',
    text:
      `Someone asked to reset the password of your Kefu account (${email}).\n\n` +
      `Choose a new password here (the link works once, for 1 hour):\n\n${link}\n\n` +
      `If it was not you, ignore this mail: your password stays as it is.\n`,
  }),
  'zh-CN': (email, link) => ({
    subject: '重置您的 Kefu 密码',
    text:
      `有人请求重置您的 Kefu 账户（${email}）的密码。\n\n` +
      `请在此设置新密码（链接只能使用一次，1 小时内有效）：\n\n${link}\n\n` +
      `如果不是您本人操作，请忽略这封邮件，您的密码不会改变。\n`,
  }),
  'zh-TW': (email, link) => ({
    subject: '重設您的 Kefu 密碼',
    text:
      `有人要求重設您的 Kefu 帳號（${email}）的密碼。\n\n` +
      `請在此設定新密碼（連結只能使用一次，1 小時內有效）：\n\n${link}\n\n` +
      `如果不是您本人操作，請忽略這封郵件，您的密碼不會改變。\n`,
  }),
};

/** A language stored before the column was checked, or none at all, reads as English. */
export const mailLanguage = (language: string | null): Language =>
  language === 'zh-CN' || language === 'zh-TW' ? language : 'en';

export const inviteMailText = (language: string | null, inviter: string | null, link: string): MailText =>
  INVITE[mailLanguage(language)](inviter, link);

export const resetMailText = (language: string | null, email: string, link: string): MailText =>
  RESET[mailLanguage(language)](email, link);
