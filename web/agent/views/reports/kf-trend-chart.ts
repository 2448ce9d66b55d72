import { LitElement, html, css, unsafeCSS } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { t } from '../../../shared/i18n/i18n.js';
import type { Volume } from '../../data/reports.js';
import { shortDay } from './figures.js';

/**
 * Tickets created and resolved per day, drawn by uPlot. This file is only reached through the
 * reports page's chunk, and uPlot itself is imported on first draw, so the inbox never loads it.
 */
@customElement('kf-trend-chart')
export class KfTrendChart extends LitElement {
  static override styles = [
    unsafeCSS(uplotCss),
    css`
      :host { display: block; min-height: 240px; }
      .u-legend { font-size: var(--kf-text-sm); color: var(--kf-text-muted); }
    `,
  ];

  @property({ attribute: false }) data: Volume | null = null;
  private _plot: uPlot | null = null;
  private readonly _resize = new ResizeObserver(() => this._plot?.setSize(this._size()));

  private _size() {
    return { width: Math.max(240, this.clientWidth), height: 220 };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._resize.observe(this);
  }
  override disconnectedCallback(): void {
    this._resize.disconnect();
    this._plot?.destroy();
    this._plot = null;
    super.disconnectedCallback();
  }

  protected override async updated(): Promise<void> {
    const data = this.data;
    const target = this.renderRoot.querySelector('.plot') as HTMLElement | null;
    if (!data || !target) return;
    const { default: UPlot } = await import('uplot');
    this._plot?.destroy();
    const style = getComputedStyle(this);
    const accent = style.getPropertyValue('--kf-accent').trim() || '#4f5bd5';
    const success = style.getPropertyValue('--kf-success').trim() || '#1b7646';
    const muted = style.getPropertyValue('--kf-text-faint').trim() || '#888';
    const grid = style.getPropertyValue('--kf-border').trim() || '#e4e4e8';
    const xs = data.days.map((_, i) => i);
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    this._plot = new UPlot(
      {
        ...this._size(),
        scales: { x: { time: false } },
        axes: [
          // Whole days only, far enough apart for a localized date each.
          { ...axis, space: 80, incrs: [1, 2, 7, 14, 28, 56, 91], values: (_u: uPlot, ticks: number[]) => ticks.map((i) => (Number.isInteger(i) && data.days[i] ? shortDay(data.days[i]) : '')) },
          { ...axis, size: 44 },
        ],
        series: [
          { label: t('reports.trend.day'), value: (_u: uPlot, i: number | null) => (i !== null && data.days[i] ? shortDay(data.days[i]) : '') },
          { label: t('reports.trend.created'), stroke: accent, width: 2, fill: `${accent}1a` },
          { label: t('reports.trend.resolved'), stroke: success, width: 2 },
        ],
      },
      [xs, data.created, data.resolved],
      target,
    );
  }

  override render() {
    return html`<div class="plot" role="img" aria-label=${t('reports.trend')}></div>`;
  }
}
