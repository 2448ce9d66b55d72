import type { SurveyLanguage } from '../csat/settings.js';

export type DigestLanguage = SurveyLanguage;

/**
 * What a supervisor reads in the weekly digest, in each language Kefu's mails speak.
 * Whole phrases per language: word order and units differ.
 */
export interface DigestTexts {
  subject: (first: string, last: string) => string;
  greeting: (name: string) => string;
  intro: (first: string, last: string, timezone: string) => string;
  metric: string;
  thisWeek: string;
  weekBefore: string;
  created: string;
  resolved: string;
  frtMedian: string;
  frtP90: string;
  resolutionMedian: string;
  resolutionP90: string;
  csatAverage: string;
  csatResponseRate: string;
  sla: (target: string) => string;
  busiestHour: string;
  /** weekday 0 is Monday */
  weekday: (weekday: number, hour: number) => string;
  none: string;
  duration: (h: number, m: number, s: number) => string;
  open: string;
  footer: string;
}

const EN_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ZH_CN_DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const ZH_TW_DAYS = ['週一', '週二', '週三', '週四', '週五', '週六', '週日'];
const hh = (h: number): string => String(h).padStart(2, '0');

const parts = (units: [number, string][], joiner: string): string => units.filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(joiner);

export const DIGEST_TEXTS: Record<DigestLanguage, DigestTexts> = {
  en: {
    subject: (first, last) => `Weekly support digest: ${first} to ${last}`,
    greeting: (name) => `Hello ${name},`,
    intro: (first, last, tz) => `Here is how the team did from ${first} to ${last} (${tz}), against the week before.`,
    metric: 'Figure',
    thisWeek: 'This week',
    weekBefore: 'Week before',
    created: 'Tickets created',
    resolved: 'Tickets resolved',
    frtMedian: 'First response time, median',
    frtP90: 'First response time, p90',
    resolutionMedian: 'Resolution time, median',
    resolutionP90: 'Resolution time, p90',
    csatAverage: 'Satisfaction (CSAT), average of 5',
    csatResponseRate: 'Satisfaction response rate',
    sla: (target) => `SLA met: ${target}`,
    busiestHour: 'Busiest hour (tickets created)',
    weekday: (d, h) => `${EN_DAYS[d] ?? ''} ${hh(h)}:00–${hh((h + 1) % 24)}:00`,
    none: '–',
    duration: (h, m, s) => parts([[h, ' h'], [m, ' min'], [s, ' s']], ' ') || '0 s',
    open: 'Open the reports',
    footer: 'You receive this digest as an admin or supervisor of this help desk. It can be turned off in Settings → Reports.',
  },
  'zh-CN': {
    subject: (first, last) => `客服周报：${first} 至 ${last}`,
    greeting: (name) => `${name}，您好：`,
    intro: (first, last, tz) => `以下是团队 ${first} 至 ${last}（${tz}）的表现，并与前一周对比。`,
    metric: '指标',
    thisWeek: '本周',
    weekBefore: '前一周',
    created: '新建工单',
    resolved: '已解决工单',
    frtMedian: '首次响应时间（中位数）',
    frtP90: '首次响应时间（P90）',
    resolutionMedian: '解决时间（中位数）',
    resolutionP90: '解决时间（P90）',
    csatAverage: '满意度（CSAT，满分 5）',
    csatResponseRate: '满意度回复率',
    sla: (target) => `SLA 达标率：${target}`,
    busiestHour: '最繁忙时段（新建工单）',
    weekday: (d, h) => `${ZH_CN_DAYS[d] ?? ''} ${hh(h)}:00–${hh((h + 1) % 24)}:00`,
    none: '–',
    duration: (h, m, s) => parts([[h, ' 小时'], [m, ' 分钟'], [s, ' 秒']], ' ') || '0 秒',
    open: '查看报表',
    footer: '您是本客服系统的管理员或主管，因此收到这份周报。可在“设置 → 报表”中关闭。',
  },
  'zh-TW': {
    subject: (first, last) => `客服週報：${first} 至 ${last}`,
    greeting: (name) => `${name}，您好：`,
    intro: (first, last, tz) => `以下是團隊 ${first} 至 ${last}（${tz}）的表現，並與前一週比較。`,
    metric: '指標',
    thisWeek: '本週',
    weekBefore: '前一週',
    created: '新建工單',
    resolved: '已解決工單',
    frtMedian: '首次回應時間（中位數）',
    frtP90: '首次回應時間（P90）',
    resolutionMedian: '解決時間（中位數）',
    resolutionP90: '解決時間（P90）',
    csatAverage: '滿意度（CSAT，滿分 5）',
    csatResponseRate: '滿意度回覆率',
    sla: (target) => `SLA 達成率：${target}`,
    busiestHour: '最繁忙時段（新建工單）',
    weekday: (d, h) => `${ZH_TW_DAYS[d] ?? ''} ${hh(h)}:00–${hh((h + 1) % 24)}:00`,
    none: '–',
    duration: (h, m, s) => parts([[h, ' 小時'], [m, ' 分鐘'], [s, ' 秒']], ' ') || '0 秒',
    open: '查看報表',
    footer: '您是本客服系統的管理員或主管，因此收到這份週報。可在「設定 → 報表」中關閉。',
  },
};
