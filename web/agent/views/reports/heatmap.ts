import { html, css } from 'lit';
import { t } from '../../../shared/i18n/i18n.js';
import type { Heatmap } from '../../data/reports.js';
import { weekdays } from './figures.js';

export const heatmapStyles = css`
  .heat { display: grid; grid-template-columns: 3em repeat(24, minmax(0, 1fr)); gap: 2px; font-size: var(--kf-text-xs); color: var(--kf-text-faint); }
  .heat .cell { aspect-ratio: 1; border-radius: 3px; background: var(--kf-accent); min-width: 0; }
  .heat .cell.zero { background: var(--kf-bg-hover); }
  .heat .day { align-self: center; white-space: nowrap; overflow: hidden; }
  .heat .hour { text-align: center; }
`;

/** 7 × 24 cells, Monday first, each as dark as its share of the busiest hour. */
export function heatmapGrid(h: Heatmap) {
  const days = weekdays();
  return html`<div class="heat" role="table" aria-label=${t('reports.heatmap')}>
    <span></span>${Array.from({ length: 24 }, (_, hour) => html`<span class="hour">${hour % 3 === 0 ? hour : ''}</span>`)}
    ${h.cells.map(
      (row, d) => html`<span class="day">${days[d]}</span>${row.map((n, hour) => {
        const label = t('reports.heatmap.cell', { day: days[d] ?? '', hour: String(hour).padStart(2, '0'), n });
        const opacity = n === 0 || h.max === 0 ? 1 : 0.15 + 0.85 * (n / h.max);
        return html`<span class="cell ${n === 0 ? 'zero' : ''}" role="cell" title=${label} aria-label=${label} data-n=${n} style="opacity:${opacity}"></span>`;
      })}`,
    )}
  </div>`;
}
