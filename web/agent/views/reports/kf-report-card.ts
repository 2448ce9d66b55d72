import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { t } from '../../../shared/i18n/i18n.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { percent } from './figures.js';

/** One overview figure: its value, what moved since the previous period, and its written definition. */
@customElement('kf-report-card')
export class KfReportCard extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; position: relative; border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg-elevated); padding: 12px 14px; min-width: 0; }
      .head { display: flex; align-items: flex-start; gap: 6px; color: var(--kf-text-muted); font-size: var(--kf-text-sm); min-height: 2.4em; }
      .head .grow { flex: 1; min-width: 0; }
      .info { border: 0; background: none; padding: 0; color: var(--kf-text-faint); cursor: help; display: inline-flex; }
      .info:hover, .info:focus-visible { color: var(--kf-accent); }
      .figure { display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 6px; margin-top: 4px; }
      .value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; letter-spacing: -0.01em; }
      @media (max-width: 700px) { .value { font-size: 19px; } :host { padding: 10px 12px; } }
      a.value { color: inherit; text-decoration: none; display: inline-block; }
      a.value:hover { color: var(--kf-accent); text-decoration: underline; }
      .detail { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 2px; min-height: 1.3em; }
      .delta { font-size: var(--kf-text-xs); font-weight: 600; white-space: nowrap; }
      .delta.good { color: var(--kf-success); }
      .delta.bad { color: var(--kf-danger); }
      .delta.flat { color: var(--kf-text-faint); }
      .def { position: absolute; z-index: 5; left: 8px; right: 8px; top: 36px; padding: 10px 12px; border-radius: var(--kf-radius); background: var(--kf-bg-elevated); border: 1px solid var(--kf-border-strong); box-shadow: 0 6px 24px rgb(0 0 0 / 0.14); font-size: var(--kf-text-sm); line-height: 1.45; color: var(--kf-text); }
    `,
  ];

  @property() label = '';
  @property() value = '';
  @property() detail = '';
  @property() definition = '';
  /** Relative change since the previous period; null: nothing to compare. */
  @property({ type: Number }) change: number | null = null;
  /** Whether a rise is good news (resolved), bad news (response time) or neither (created). */
  @property() better: 'up' | 'down' | 'none' = 'none';
  /** The ticket list behind the figure, when the list can show it. */
  @property() href = '';
  @state() private _open = false;

  private _delta() {
    if (this.change === null) return nothing;
    const c = this.change;
    const tone = Math.abs(c) < 0.005 || this.better === 'none' ? 'flat' : (c > 0) === (this.better === 'up') ? 'good' : 'bad';
    const arrow = c > 0 ? '▲' : c < 0 ? '▼' : '';
    return html`<span class="delta ${tone}" data-change>${arrow}${percent(Math.abs(c))}</span>`;
  }

  override render() {
    const value = this.href ? html`<a class="value" href=${this.href} title=${t('reports.openList')}>${this.value}</a>` : html`<div class="value">${this.value}</div>`;
    return html`<div class="head" title=${this.definition}>
        <span class="grow">${this.label}</span>
        <button class="info" aria-label=${t('reports.definition')} aria-expanded=${this._open} @click=${() => (this._open = !this._open)} @blur=${() => (this._open = false)}>${icon('info', 14)}</button>
      </div>
      <div class="figure">${value}${this._delta()}</div>
      <div class="detail">${this.detail}</div>
      ${this._open ? html`<div class="def" role="tooltip">${this.definition}</div>` : nothing}`;
  }
}
