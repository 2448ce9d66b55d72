// How report figures read: durations, rates and changes in the agent's language.
import { currentLanguage, t } from '../../../shared/i18n/i18n.js';

export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return t('reports.dur.s', { n: s });
  if (s < 3600) return t('reports.dur.min', { n: Math.round(s / 60) });
  if (s < 86_400) return t('reports.dur.h', { h: Math.floor(s / 3600), m: Math.round((s % 3600) / 60) });
  return t('reports.dur.d', { d: Math.floor(s / 86_400), h: Math.round((s % 86_400) / 3600) });
}

export function percent(rate: number | null): string {
  if (rate === null) return '–';
  return new Intl.NumberFormat(currentLanguage(), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

export function count(n: number): string {
  return new Intl.NumberFormat(currentLanguage()).format(n);
}

export function score(n: number | null): string {
  return n === null ? '–' : n.toFixed(2);
}

/** Weekday names, Monday first, in the agent's language. */
export function weekdays(): string[] {
  const f = new Intl.DateTimeFormat(currentLanguage(), { weekday: 'short', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
}

export function shortDay(day: string): string {
  return new Intl.DateTimeFormat(currentLanguage(), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${day}T00:00:00Z`));
}
