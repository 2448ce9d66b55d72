import { LitElement, html, css } from 'lit';
import { customElement } from 'lit/decorators.js';
import { t } from '../../shared/i18n/i18n.js';
import { SHORTCUTS } from '../data/keyboard.js';
import { icon } from '../icons.js';
import { base, modal } from '../styles.js';

@customElement('kf-shortcuts')
export class KfShortcuts extends LitElement {
  static override styles = [
    base,
    modal,
    css`
      .content { grid-template-columns: 1fr 1fr; gap: 6px 28px !important; }
      .row { display: flex; align-items: center; justify-content: space-between; gap: 10px; height: 30px; border-bottom: 1px solid var(--kf-border); }
      .keys { display: flex; gap: 4px; }
    `,
  ];
  private _close() {
    this.dispatchEvent(new Event('close'));
  }
  override render() {
    return html`<div class="backdrop" @click=${(e: Event) => e.target === e.currentTarget && this._close()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="kt" style="width:560px">
        <header><h2 id="kt">${t('keys.title')}</h2><button class="icon-btn" aria-label=${t('action.close')} @click=${this._close}>${icon('x', 16)}</button></header>
        <div class="content">
          ${SHORTCUTS.map((s) => html`<div class="row"><span>${t(s.label)}</span><span class="keys">${s.keys.map((k) => html`<span class="kbd">${k}</span>`)}</span></div>`)}
        </div>
      </div>
    </div>`;
  }
}
