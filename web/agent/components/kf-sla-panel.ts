import { LitElement, html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t, type MessageKey } from '../../shared/i18n/i18n.js';
import { formatDateTime } from '../../shared/format.js';
import type { SlaClock, TicketSla } from '../../shared/types.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { slaBadge, slaBadgeStyles } from './sla-badge.js';

const TARGETS: Array<{ key: 'firstResponse' | 'nextResponse' | 'resolution'; label: MessageKey }> = [
  { key: 'firstResponse', label: 'sla.target.first_response' },
  { key: 'nextResponse', label: 'sla.target.next_response' },
  { key: 'resolution', label: 'sla.target.resolution' },
];

/** The ticket's SLA under the timeline's toolbar: each target, when it is due, and whether it was met. */
@customElement('kf-sla-panel')
export class KfSlaPanel extends LitElement {
  static override styles = [
    base,
    slaBadgeStyles,
    css`
      :host { display: block; border-bottom: 1px solid var(--kf-border); background: var(--kf-bg); padding: 6px 16px; font-size: var(--kf-text-sm); }
      .wrap { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 18px; }
      .policy { display: inline-flex; align-items: center; gap: 5px; color: var(--kf-text-muted); font-weight: 600; }
      .target { display: inline-flex; align-items: center; gap: 6px; min-width: 0; }
      .name { color: var(--kf-text-muted); }
      .when { color: var(--kf-text-faint); font-variant-numeric: tabular-nums; }
      .state { font-size: var(--kf-text-xs); font-weight: 600; border-radius: 9px; padding: 0 6px; height: 18px; display: inline-flex; align-items: center; }
      .state.met { background: var(--kf-success-soft); color: var(--kf-success); }
      .state.breached { background: var(--kf-danger-soft); color: var(--kf-danger); }
      .state.paused { background: var(--kf-bg-sunken); color: var(--kf-text-muted); }
      @media (max-width: 700px) { :host { padding: 6px 12px; } .wrap { gap: 4px 12px; } }
    `,
  ];

  @property({ attribute: false }) sla: TicketSla | null = null;

  private _clock(label: MessageKey, c: SlaClock) {
    let detail;
    if (c.status === 'running' && c.dueAt) detail = html`${slaBadge(c.dueAt, c.warnAt, false)}<span class="when">${t('sla.due', { date: formatDateTime(c.dueAt) })}</span>`;
    else if (c.status === 'met') detail = html`<span class="state met">${t('sla.status.met')}</span><span class="when">${c.metAt ? formatDateTime(c.metAt) : ''}</span>`;
    else if (c.status === 'breached') {
      detail = html`<span class="state breached">${t('sla.status.breached')}</span><span class="when">${c.dueAt ? t('sla.due', { date: formatDateTime(c.dueAt) }) : ''}</span>`;
    } else detail = html`<span class="state paused">${t('sla.status.paused')}</span>`;
    return html`<span class="target" data-target=${label} data-status=${c.status}><span class="name">${t(label)}</span>${detail}</span>`;
  }

  override render() {
    const sla = this.sla;
    if (!sla) return nothing;
    return html`<div class="wrap" role="group" aria-label=${t('sla.panel', { name: sla.policyName })}>
      <span class="policy" title=${t('sla.panel', { name: sla.policyName })}>${icon('clock', 13)}${sla.policyName}</span>
      ${TARGETS.map(({ key, label }) => {
        const c = sla[key];
        return c ? this._clock(label, c) : nothing;
      })}
    </div>`;
  }
}
