import { mailLanguage, type MailText } from '../agents/account-mail-text.js';
import type { Language } from '../agents/service.js';
import type { NotificationView } from './notifications.js';

/** What a notification mail says, given in the agent's own language and time zone. */
export interface NoticeFacts {
  kind: NotificationView['kind'];
  number: number;
  subject: string;
  target: string;
  /** the due time (or reminder time) already written out for the reader */
  when: string | null;
  note: string | null;
  link: string;
}

const TARGETS: Record<Language, Record<string, string>> = {
  en: { first_response: 'first response', next_response: 'next response', resolution: 'resolution' },
  'zh-CN': { first_response: '首次响应', next_response: '下次响应', resolution: '解决' },
  'zh-TW': { first_response: '首次回應', next_response: '下次回應', resolution: '解決' },
};

/**
 * Each mail written out whole per language rather than assembled from pieces: word order differs,
 * and a translator reads a mail.
 */
const TEXT: Record<Language, (f: NoticeFacts, target: string) => MailText> = {
  en: (f, target) => {
    const note = f.note ? `\n\n${f.note}` : '';
    switch (f.kind) {
      case 'sla.warning':
        return { subject: `SLA warning: #${f.number} ${f.subject}`, text: `The ${target} target of ticket #${f.number} "${f.subject}" is due ${f.when ?? 'soon'}.\n\n${f.link}\n` };
      case 'sla.breach':
        return { subject: `SLA breached: #${f.number} ${f.subject}`, text: `The ${target} target of ticket #${f.number} "${f.subject}" was due ${f.when ?? 'earlier'} and is now breached.\n\n${f.link}\n` };
      case 'reminder':
        return { subject: `Reminder: #${f.number} ${f.subject}`, text: `You asked to be reminded about ticket #${f.number} "${f.subject}".${note}\n\n${f.link}\n` };
      case 'snooze.woke':
        return { subject: `Back from snooze: #${f.number} ${f.subject}`, text: `Ticket #${f.number} "${f.subject}" was snoozed and is open again.\n\n${f.link}\n` };
    }
  },
  'zh-CN': (f, target) => {
    const note = f.note ? `\n\n${f.note}` : '';
    switch (f.kind) {
      case 'sla.warning':
        return { subject: `SLA 即将超时：#${f.number} ${f.subject}`, text: `工单 #${f.number}“${f.subject}”的${target}时限将于 ${f.when ?? '稍后'} 到期。\n\n${f.link}\n` };
      case 'sla.breach':
        return { subject: `SLA 已超时：#${f.number} ${f.subject}`, text: `工单 #${f.number}“${f.subject}”的${target}时限已于 ${f.when ?? '此前'} 到期，现已超时。\n\n${f.link}\n` };
      case 'reminder':
        return { subject: `提醒：#${f.number} ${f.subject}`, text: `您设置了工单 #${f.number}“${f.subject}”的提醒。${note}\n\n${f.link}\n` };
      case 'snooze.woke':
        return { subject: `暂缓结束：#${f.number} ${f.subject}`, text: `工单 #${f.number}“${f.subject}”的暂缓时间已到，已重新打开。\n\n${f.link}\n` };
    }
  },
  'zh-TW': (f, target) => {
    const note = f.note ? `\n\n${f.note}` : '';
    switch (f.kind) {
      case 'sla.warning':
        return { subject: `SLA 即將逾時：#${f.number} ${f.subject}`, text: `工單 #${f.number}「${f.subject}」的${target}時限將於 ${f.when ?? '稍後'} 到期。\n\n${f.link}\n` };
      case 'sla.breach':
        return { subject: `SLA 已逾時：#${f.number} ${f.subject}`, text: `工單 #${f.number}「${f.subject}」的${target}時限已於 ${f.when ?? '先前'} 到期，現已逾時。\n\n${f.link}\n` };
      case 'reminder':
        return { subject: `提醒：#${f.number} ${f.subject}`, text: `您設定了工單 #${f.number}「${f.subject}」的提醒。${note}\n\n${f.link}\n` };
      case 'snooze.woke':
        return { subject: `暫緩結束：#${f.number} ${f.subject}`, text: `工單 #${f.number}「${f.subject}」的暫緩時間已到，已重新開啟。\n\n${f.link}\n` };
    }
  },
};

const LOCALES: Record<Language, string> = { en: 'en-GB', 'zh-CN': 'zh-CN', 'zh-TW': 'zh-TW' };

/** An instant as the agent reads it: their language, their time zone (the server's when unset or unknown). */
export function whenFor(language: string | null, timezone: string | null, at: number): string {
  const lang = mailLanguage(language);
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' };
  try {
    return new Intl.DateTimeFormat(LOCALES[lang], { ...opts, ...(timezone ? { timeZone: timezone } : {}) }).format(at);
  } catch {
    return new Intl.DateTimeFormat(LOCALES[lang], opts).format(at);
  }
}

export function noticeMailText(language: string | null, facts: NoticeFacts): MailText {
  const lang = mailLanguage(language);
  return TEXT[lang](facts, TARGETS[lang][facts.target] ?? facts.target);
}
