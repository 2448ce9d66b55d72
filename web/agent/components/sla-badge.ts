import { html, css, type TemplateResult } from 'lit';
import { t } from '../../shared/i18n/i18n.js';
import { formatDateTime } from '../../shared/format.js';
import { slaCountdown, slaTone } from '../data/sla.js';

/** Shared by the list row and the ticket's SLA panel. */
export const slaBadgeStyles = css`
  .sla-badge { display: inline-flex; align-items: center; height: 18px; padding: 0 6px; border-radius: 9px; font-size: var(--kf-text-xs); font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; flex: none; }
  .sla-badge.ok { background: var(--kf-success-soft); color: var(--kf-success); }
  .sla-badge.warn { background: var(--kf-warning-soft); color: var(--kf-warning); }
  .sla-badge.breached { background: var(--kf-danger-soft); color: var(--kf-danger); }
`;

export function slaBadge(dueAt: string, warnAt: string | null, breached: boolean, now: number = Date.now()): TemplateResult {
  const tone = slaTone(dueAt, warnAt, breached, now);
  return html`<span class="sla-badge ${tone}" data-sla=${tone} title=${t('sla.badgeTitle', { date: formatDateTime(dueAt) })}>${slaCountdown(dueAt, now)}</span>`;
}
