import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import { formatDateTime } from '../../../shared/format.js';
import type { ApiToken } from '../../../shared/types.js';
import { directory } from '../../data/api-calls.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';
import { tokenTable, type KfAdminAllTokens } from './kf-admin-all-tokens.js';

/** Personal API tokens (the secret is shown once, right after creation); admins also see everyone's. */
@customElement('kf-admin-tokens')
export class KfAdminTokens extends LitElement {
  static override styles = [
    base,
    page,
    tokenTable,
    css`
      .add { display: flex; gap: 8px; margin-bottom: 16px; }
      .add .field { max-width: 300px; }
      .secret { display: grid; gap: 8px; padding: 12px 14px; margin-bottom: 16px; border-radius: var(--kf-radius-lg); background: var(--kf-success-soft); border: 1px solid var(--kf-border); }
      .secret .row { display: flex; gap: 8px; align-items: center; }
      .secret code { flex: 1; font-family: var(--kf-font-mono); font-size: var(--kf-text-md); word-break: break-all; }
      .mine + kf-admin-all-tokens { margin-top: 16px; display: block; }
      @media (max-width: 640px) { .add { flex-wrap: wrap; } .add .field { max-width: none; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: ApiToken[] = [];
  @state() private _secret = '';
  @state() private _error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      this._items = (await directory.tokens(this._store.api)).items;
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _create(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const name = String(new FormData(form).get('name')).trim();
    try {
      const r = await directory.createToken(this._store.api, name);
      this._secret = r.secret;
      form.reset();
      await this._load();
      this._others()?.refresh();
    } catch (err) {
      toastError(err);
    }
  }

  private _others(): KfAdminAllTokens | null {
    return this.renderRoot.querySelector('kf-admin-all-tokens');
  }

  private async _revoke(tk: ApiToken) {
    if (!confirm(t('tokens.confirmRevoke', { name: tk.name }))) return;
    try {
      await directory.revokeToken(this._store.api, tk.id);
      await this._load();
      this._others()?.refresh();
    } catch (err) {
      toastError(err);
    }
  }

  override render() {
    return html`<div class="page-head"><h1>${t('admin.tokens')}</h1></div>
      <div class="page-body"><div class="narrow">
        <p class="muted" style="margin-top:0">${t('tokens.hint')}</p>
        <form class="add" @submit=${this._create}><input class="field" name="name" required placeholder=${t('tokens.name')} aria-label=${t('tokens.name')} /><button class="btn primary">${icon('plus', 14)}${t('tokens.create')}</button></form>
        ${this._secret ? html`<div class="secret" role="status"><strong>${t('tokens.copyNow')}</strong>
          <div class="row"><code>${this._secret}</code><button class="btn sm" @click=${() => void navigator.clipboard.writeText(this._secret).then(() => toast(t('action.copied')))}>${icon('copy', 12)}${t('action.copy')}</button></div></div>` : ''}
        <div class="panel mine">
          ${this._store.me.role === 'admin' ? html`<h2>${t('tokens.mine')}</h2>` : ''}
          ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
          <div class="scroll"><table>
            <thead><tr><th>${t('tokens.name')}</th><th class="hide-narrow">${t('tokens.prefix')}</th><th class="hide-narrow">${t('tokens.created')}</th><th>${t('tokens.lastUsed')}</th><th></th></tr></thead>
            <tbody>${this._items.map((tk) => html`<tr class=${tk.revokedAt ? 'revoked' : ''}>
              <td class="name">${tk.name}</td><td class="hide-narrow"><code class="prefix">${tk.prefix}…</code></td><td class="muted hide-narrow">${formatDateTime(tk.createdAt)}</td>
              <td class="muted sub"><span class="narrow-only">${t('tokens.lastUsed')} · </span>${tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t('tokens.never')}</td>
              <td class="actions"><div class="row-actions">${tk.revokedAt ? html`<span class="faint">${t('tokens.revoked')}</span>` : html`<button class="btn sm danger" @click=${() => void this._revoke(tk)}>${t('tokens.revoke')}</button>`}</div></td></tr>`)}</tbody>
          </table></div>
          ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('tokens.empty')}</div>` : ''}
        </div>
        ${this._store.me.role === 'admin' ? html`<kf-admin-all-tokens @kf-tokens-changed=${() => void this._load()}></kf-admin-all-tokens>` : ''}
      </div></div>`;
  }
}
