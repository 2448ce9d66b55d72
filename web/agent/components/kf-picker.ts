import { LitElement, html, css, type TemplateResult } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { t } from '../../shared/i18n/i18n.js';
import { icon } from '../icons.js';
import { base, popover } from '../styles.js';

export interface PickOption {
  value: string;
  label: string;
  hint?: string;
  lead?: TemplateResult | string;
  checked?: boolean;
  group?: string;
}

/**
 * A keyboard-friendly popover list (assign, labels, status, snooze...). Place it in a positioned wrapper;
 * it emits `pick` with the chosen value and `close` when dismissed.
 */
@customElement('kf-picker')
export class KfPicker extends LitElement {
  static override styles = [
    base,
    popover,
    css`
      :host { position: absolute; z-index: 40; top: calc(100% + 4px); left: 0; }
      :host([align='right']) { left: auto; right: 0; }
      :host([up]) { top: auto; bottom: calc(100% + 4px); }
      .pop { position: static; max-height: 340px; display: flex; flex-direction: column; }
      .filter { padding: 4px 4px 6px; border-bottom: 1px solid var(--kf-border); margin-bottom: 4px; }
      .filter input { height: 28px; border: 0; background: transparent; width: 100%; padding: 0 6px; outline: none; }
      .list { overflow-y: auto; }
      .item .lbl-text { flex: 1 1 auto; min-width: 0; }
      .item .hint { color: var(--kf-text-faint); font-size: var(--kf-text-sm); flex: none; margin-left: 12px; }
      .pop { max-width: 380px; }
      .group { padding: 6px 8px 2px; font-size: var(--kf-text-xs); color: var(--kf-text-faint); font-weight: 600; }
      .empty { padding: 8px; color: var(--kf-text-faint); }
      .tick { width: 14px; display: inline-flex; color: var(--kf-accent); }
      /* Phone: a menu hanging off a button near the edge would leave the screen; it opens as a sheet at the bottom
         of the pane instead. */
      @media (max-width: 700px) {
        :host, :host([align='right']), :host([up]) { position: fixed; top: auto; left: 8px; right: 8px; bottom: 8px; z-index: 60; }
        .pop { max-width: none; max-height: min(340px, 60dvh); }
        .pop .item { height: 40px; }
      }
    `,
  ];

  @property({ attribute: false }) options: PickOption[] = [];
  @property({ type: Boolean }) filterable = false;
  @property({ type: Boolean }) multi = false;
  @property() placeholder = '';
  @state() private _q = '';
  @state() private _active = 0;
  @query('input') private _input?: HTMLInputElement;
  private readonly _outside = (e: Event) => {
    if (!e.composedPath().includes(this)) this._close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    setTimeout(() => document.addEventListener('pointerdown', this._outside), 0);
    this.addEventListener('keydown', this._key);
  }
  override disconnectedCallback(): void {
    document.removeEventListener('pointerdown', this._outside);
    super.disconnectedCallback();
  }
  override firstUpdated(): void {
    if (this._input) this._input.focus();
    else (this.renderRoot.querySelector('.item') as HTMLElement | null)?.focus();
  }

  private get _visible(): PickOption[] {
    const q = this._q.trim().toLowerCase();
    return q ? this.options.filter((o) => o.label.toLowerCase().includes(q) || (o.hint ?? '').toLowerCase().includes(q)) : this.options;
  }

  private _close() {
    this.dispatchEvent(new Event('close'));
  }

  private _pick(o: PickOption) {
    this.dispatchEvent(new CustomEvent<string>('pick', { detail: o.value }));
    if (!this.multi) this._close();
  }

  private readonly _key = (e: KeyboardEvent) => {
    const list = this._visible;
    if (e.key === 'ArrowDown') this._active = Math.min(list.length - 1, this._active + 1);
    else if (e.key === 'ArrowUp') this._active = Math.max(0, this._active - 1);
    else if (e.key === 'Enter') {
      const o = list[this._active];
      if (o) this._pick(o);
    } else if (e.key === 'Escape') this._close();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  override render() {
    const list = this._visible;
    let group: string | undefined;
    return html`<div class="pop" role="listbox" aria-multiselectable=${this.multi}>
      ${this.filterable
        ? html`<div class="filter"><input placeholder=${this.placeholder || t('picker.filter')} .value=${this._q}
            @input=${(e: Event) => { this._q = (e.target as HTMLInputElement).value; this._active = 0; }} /></div>`
        : ''}
      <div class="list">
        ${list.length === 0 ? html`<div class="empty">${t('picker.empty')}</div>` : ''}
        ${list.map((o, i) => {
          const head = o.group && o.group !== group ? html`<div class="group">${o.group}</div>` : '';
          group = o.group;
          return html`${head}<button class="item ${i === this._active ? 'active' : ''}" role="option" aria-selected=${!!o.checked}
              @mouseenter=${() => (this._active = i)} @click=${() => this._pick(o)}>
            ${this.multi || o.checked !== undefined ? html`<span class="tick">${o.checked ? icon('check', 14) : ''}</span>` : ''}
            ${o.lead ?? ''}<span class="lbl-text ellipsis">${o.label}</span>${o.hint ? html`<span class="hint">${o.hint}</span>` : ''}
          </button>`;
        })}
      </div>
    </div>`;
  }
}
