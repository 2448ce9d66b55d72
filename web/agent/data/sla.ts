// SLA countdowns in the agent's language: how long is left (or overdue), and how worried to look.
import { t } from '../../shared/i18n/i18n.js';

export type SlaTone = 'ok' | 'warn' | 'breached';

const MINUTE = 60_000;

/** "12m", "3h 5m", "2d 4h": a span in whole minutes, at most two units. */
export function formatSpan(ms: number): string {
  const minutes = Math.max(0, Math.floor(Math.abs(ms) / MINUTE));
  if (minutes < 60) return t('sla.span.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? t('sla.span.wholeHours', { h: hours }) : t('sla.span.hours', { h: hours, m: minutes % 60 });
  return hours % 24 === 0 ? t('sla.span.wholeDays', { d: hours / 24 }) : t('sla.span.days', { d: Math.floor(hours / 24), h: hours % 24 });
}

/** Amber from the policy's warning time (or the last hour when it has none), red once due. */
export function slaTone(dueAt: string, warnAt: string | null, breached: boolean, now: number = Date.now()): SlaTone {
  const due = Date.parse(dueAt);
  if (breached || due <= now) return 'breached';
  const warn = warnAt ? Date.parse(warnAt) : due - 60 * MINUTE;
  return now >= warn ? 'warn' : 'ok';
}

/** The badge text: time left, or time overdue. */
export function slaCountdown(dueAt: string, now: number = Date.now()): string {
  const left = Date.parse(dueAt) - now;
  return left > 0 ? t('sla.left', { time: formatSpan(left) }) : t('sla.overdue', { time: formatSpan(left) });
}
