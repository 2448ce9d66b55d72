// Dates, sizes and ages in the agent's locale and time zone.
import type { Language } from './types.js';
import { t } from './i18n/i18n.js';

export interface FormatContext {
  locale: Language;
  timeZone?: string | undefined;
}

let ctx: FormatContext = { locale: 'en' };

export function setFormatContext(next: FormatContext): void {
  ctx = { locale: next.locale, timeZone: validTimeZone(next.timeZone) };
}

export function validTimeZone(tz: string | null | undefined): string | undefined {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl.DateTimeFormat costs far more than using one; list rows and timelines format hundreds of dates. */
function dtf(c: FormatContext, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${c.locale}|${c.timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(c.locale, { ...options, timeZone: c.timeZone });
    formatters.set(key, f);
  }
  return f;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A compact age for list rows: "now", "5m", "3h", "2d", then a short date. */
export function formatAge(iso: string, now: number = Date.now(), c: FormatContext = ctx): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const diff = Math.max(0, now - at);
  if (diff < MINUTE) return t('age.now');
  if (diff < HOUR) return t('age.minutes', { n: Math.floor(diff / MINUTE) });
  if (diff < DAY) return t('age.hours', { n: Math.floor(diff / HOUR) });
  if (diff < 7 * DAY) return t('age.days', { n: Math.floor(diff / DAY) });
  return dtf(c, { month: 'short', day: 'numeric' }).format(at);
}

export function formatDateTime(iso: string | number, c: FormatContext = ctx): string {
  const at = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return dtf(c, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);
}

/** Day and time without the year, for near future moments (snooze presets). */
export function formatShortDateTime(at: number, c: FormatContext = ctx): string {
  return dtf(c, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);
}

export function formatTime(iso: string, c: FormatContext = ctx): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return dtf(c, { hour: '2-digit', minute: '2-digit' }).format(at);
}

export function formatDay(iso: string, c: FormatContext = ctx): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return dtf(c, { weekday: 'long', month: 'long', day: 'numeric' }).format(at);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function initials(name: string | null | undefined): string {
  const n = (name ?? '').trim();
  if (!n) return '?';
  // CJK names read best as their first character (usually the family name).
  if (/^[\u3400-\u9fff]/.test(n)) return n.slice(0, 1);
  // A phone number (an SMS customer with no name) is told apart by its last digits.
  if (/^[+\d\s().-]+$/.test(n)) return n.replace(/\D/g, '').slice(-2) || '?';
  // Words start at their first letter or digit: "@ivan" is I, not @.
  const parts = n.split(/\s+/).map((w) => /[\p{L}\p{N}]/u.exec(w)?.[0] ?? '').filter(Boolean);
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  return (first + last).toUpperCase() || '?';
}

/** A stable hue per name so avatars are told apart at a glance. */
export function avatarHue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) % 360;
  return h;
}
