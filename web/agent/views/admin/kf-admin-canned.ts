import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import type { CannedReply } from '../../../shared/types.js';
import { crud } from '../../data/api-calls.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';

@customElement('kf-admin-canned')
export class KfAdminCanned extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 16px; align-items: start; }
      .sc { font-family: var(--kf-font-mono); color: var(--kf-accent); font-size: var(--kf-text-sm); }
      .body-prev { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      td.text { width: 100%; max-width: 0; }
      .layout > .panel { margin-top: 0; }
      td.title { white-space: nowrap; font-weight: 500; }
      form .body { display: grid; gap: 12px; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      code { font-family: var(--kf-font-mono); font-size: var(--kf-text-xs); background: var(--kf-bg-sunken); padding: 1px 4px; border-radius: 3px; }
      tr.sel td { background: var(--kf-bg-selected); }
      @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: CannedReply[] = [];
  @state() private _edit: CannedReply | null = null;
  @state() private _error = '';

  private get _api() {
    return crud<CannedReply>(this._store.api, '/canned-replies');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      this._items = await this._api.list();
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _save(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const body = { shortcut: String(f.get('shortcut')).trim().replace(/^\//, ''), title: String(f.get('title')).trim(), body: String(f.get('body')) };
    try {
      if (this._edit) await this._api.update(this._edit.id, body);
      else await this._api.create(body);
      toast(t('profile.saved'));
      this._edit = null;
      form.reset();
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  private async _remove(c: CannedReply) {
    if (!confirm(t('canned.confirmDelete', { name: c.title }))) return;
    try {
      await this._api.remove(c.id);
      if (this._edit?.id === c.id) this._edit = null;
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  override render() {
    const e = this._edit;
    return html`<div class="page-head"><h1>${t('admin.canned')}</h1></div>
      <div class="page-body"><div class="layout">
        <div class="panel">
          ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
          <table>
            <thead><tr><th>${t('canned.shortcut')}</th><th>${t('canned.title')}</th><th>${t('canned.body')}</th><th></th></tr></thead>
            <tbody>${this._items.map((c) => html`<tr class="link ${e?.id === c.id ? 'sel' : ''}" @click=${() => (this._edit = c)}>
              <td class="sc">/${c.shortcut}</td><td class="title">${c.title}</td><td class="text"><div class="body-prev ellipsis">${c.body}</div></td>
              <td><div class="row-actions"><button class="icon-btn" aria-label=${t('action.delete')} @click=${(ev: Event) => { ev.stopPropagation(); void this._remove(c); }}>${icon('x', 14)}</button></div></td></tr>`)}</tbody>
          </table>
          ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('canned.empty')}</div>` : ''}
        </div>
        <form class="panel" @submit=${this._save}>
          <h2><span class="grow">${e ? t('canned.edit') : t('canned.new')}</span>${e ? html`<button type="button" class="btn sm ghost" @click=${() => (this._edit = null)}>${t('action.cancel')}</button>` : ''}</h2>
          <div class="body">
            <div><label class="lbl" for="sc">${t('canned.shortcut')}</label><input class="field" id="sc" name="shortcut" required pattern="\\/?[^\\s\\/]+" .value=${e?.shortcut ?? ''} /></div>
            <div><label class="lbl" for="ti">${t('canned.title')}</label><input class="field" id="ti" name="title" required .value=${e?.title ?? ''} /></div>
            <div><label class="lbl" for="bo">${t('canned.body')}</label><textarea class="field" id="bo" name="body" rows="7" required .value=${e?.body ?? ''}></textarea>
              <div class="hint">${t('canned.placeholders')} <code>{{contact.name}}</code> <code>{{agent.name}}</code> <code>{{ticket.number}}</code></div></div>
            <div style="display:flex;justify-content:flex-end"><button class="btn primary">${t('action.save')}</button></div>
          </div>
        </form>
      </div></div>`;
  }
}
