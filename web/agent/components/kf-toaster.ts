import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ToastDetail } from '../toast.js';
import { base } from '../styles.js';

interface Item extends ToastDetail {
  id: number;
}

@customElement('kf-toaster')
export class KfToaster extends LitElement {
  static override styles = [
    base,
    css`
      :host { position: fixed; bottom: 16px; left: 50%; transform: translateX(-50%); z-index: 200; display: grid; gap: 8px; pointer-events: none; }
      .toast { pointer-events: auto; min-width: 260px; max-width: 480px; padding: 10px 14px; border-radius: var(--kf-radius-lg); background: var(--kf-text); color: var(--kf-bg); box-shadow: var(--kf-shadow-lg); font-size: var(--kf-text-md); }
      .toast.error { background: var(--kf-danger); color: #fff; }
    `,
  ];
  @state() private _items: Item[] = [];
  private _seq = 0;
  private readonly _on = (e: Event) => {
    const d = (e as CustomEvent<ToastDetail>).detail;
    const id = ++this._seq;
    this._items = [...this._items.slice(-3), { ...d, id }];
    setTimeout(() => (this._items = this._items.filter((i) => i.id !== id)), d.kind === 'error' ? 6000 : 3500);
  };
  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('kf-toast', this._on);
  }
  override disconnectedCallback(): void {
    window.removeEventListener('kf-toast', this._on);
    super.disconnectedCallback();
  }
  override render() {
    return repeat(this._items, (i) => i.id, (i) => html`<div class="toast ${i.kind}" role=${i.kind === 'error' ? 'alert' : 'status'}>${i.message}</div>`);
  }
}
