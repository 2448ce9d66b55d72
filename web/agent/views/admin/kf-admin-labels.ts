import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import type { Label } from '../../../shared/types.js';
import { crud } from '../../data/api-calls.js';
import { StoreController, storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { toastError } from '../../toast.js';
import { page } from '../page-styles.js';

const PALETTE = ['#4f5bd5', '#2f9e6e', '#d97a1e', '#d23f3f', '#8e59d6', '#1f8fb8', '#b7791f', '#6b7280'];

@customElement('kf-admin-labels')
export class KfAdminLabels extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .add { display: flex; gap: 8px; align-items: center; margin-bottom: 16px; }
      /* On a phone the name field gives way, not the colour swatch (squeezed to a sliver otherwise). */
      .add .field { max-width: 260px; min-width: 0; }
      input[type='color'] { flex: none; width: 32px; height: 32px; padding: 2px; border: 1px solid var(--kf-border-strong); border-radius: var(--kf-radius); background: var(--kf-bg); cursor: pointer; }
      td .field { height: 28px; min-width: 9em; max-width: 260px; }
      .sw { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @state() private _color = PALETTE[0] as string;

  private get _api() {
    return crud<Label>(this._store.api, '/labels');
  }

  private async _run(p: Promise<unknown>) {
    try {
      await p;
      await this._store.loadDirectory();
    } catch (err) {
      toastError(err);
    }
  }

  private _add(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = String(new FormData(form).get('name')).trim();
    if (!name) return;
    form.reset();
    void this._run(this._api.create({ name, color: this._color }));
    this._color = PALETTE[(PALETTE.indexOf(this._color) + 1) % PALETTE.length] as string;
  }

  override render() {
    const counts = this._store.counts?.byLabel ?? {};
    return html`<div class="page-head"><h1>${t('admin.labels')}</h1></div>
      <div class="page-body"><div class="narrow">
        <form class="add" @submit=${this._add}>
          <input type="color" aria-label=${t('labels.color')} .value=${this._color} @input=${(e: Event) => (this._color = (e.target as HTMLInputElement).value)} />
          <input class="field" name="name" placeholder=${t('labels.name')} aria-label=${t('labels.name')} required />
          <button class="btn primary">${icon('plus', 14)}${t('labels.add')}</button>
        </form>
        <div class="panel">
          <table>
            <thead><tr><th style="width:48px">${t('labels.color')}</th><th>${t('labels.name')}</th><th>${t('labels.open')}</th><th></th></tr></thead>
            <tbody>${this._store.labels.map((l) => html`<tr>
              <td><input type="color" aria-label=${t('labels.color')} .value=${/^#[0-9a-f]{6}$/i.test(l.color) ? l.color : '#6b7280'} @change=${(e: Event) => void this._run(this._api.update(l.id, { color: (e.target as HTMLInputElement).value }))} /></td>
              <td><input class="field" aria-label=${t('labels.name')} .value=${l.name} @change=${(e: Event) => void this._run(this._api.update(l.id, { name: (e.target as HTMLInputElement).value.trim() }))} /></td>
              <td class="num muted">${counts[l.name] ?? 0}</td>
              <td><div class="row-actions"><button class="icon-btn" aria-label=${t('action.delete')} @click=${() => confirm(t('labels.confirmDelete', { name: l.name })) && void this._run(this._api.remove(l.id))}>${icon('x', 14)}</button></div></td>
            </tr>`)}</tbody>
          </table>
          ${this._store.labels.length === 0 ? html`<div class="empty">${t('labels.empty')}</div>` : ''}
        </div>
      </div></div>`;
  }
}
