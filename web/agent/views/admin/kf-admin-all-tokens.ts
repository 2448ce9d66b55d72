import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import { formatDateTime } from '../../../shared/format.js';
import type { AgentApiToken } from '../../../shared/types.js';
import { directory } from '../../data/api-calls.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';

/** Token tables on a phone: each token a two-line card with its action on the right. */
export const tokenTable = css`
  .scroll { overflow-x: auto; }
  td { white-space: nowrap; }
  /* A long token name wraps rather than pushing the Revoke button out of a settings-wide card. */
  td.name { white-space: normal; min-width: 10em; }
  code.prefix { font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); }
  .revoked td { opacity: 0.5; }
  .narrow-only { display: none; }
  @media (max-width: 640px) {
    .narrow-only { display: inline; }
    .hide-narrow, thead { display: none; }
    table, tbody, td { display: block; }
    tr { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 10px; padding: 10px 12px; border-bottom: 1px solid var(--kf-border); }
    td { height: auto; padding: 0; border: 0; white-space: normal; overflow-wrap: anywhere; }
    td.actions { grid-column: 2; grid-row: 1 / span 3; align-self: center; }
    td.sub { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
  }
`;

/** Admins: every agent's API tokens, to revoke one that leaked or outlived its owner's job. */
@customElement('kf-admin-all-tokens')
export class KfAdminAllTokens extends LitElement {
  static override styles = [
    base,
    page,
    tokenTable,
    css`
      :host { display: block; height: auto; overflow: visible; background: none; }
      .panel > h2 { flex-wrap: wrap; }
      .panel > h2 select.field { height: 28px; width: auto; max-width: 100%; font-weight: 400; }
      .owner { display: grid; min-width: 0; line-height: 1.3; }
      .owner .faint { font-size: var(--kf-text-sm); }
      @media (max-width: 640px) { .panel > h2 .grow { flex-basis: 100%; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: AgentApiToken[] = [];
  @state() private _agentId = 0;
  @state() private _error = '';
  @state() private _loaded = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  /** Reloads when the parent's own list changed (a token created or revoked there). */
  refresh(): void {
    void this._load();
  }

  private async _load() {
    try {
      this._items = (await directory.allTokens(this._store.api, this._agentId || undefined)).items;
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
    this._loaded = true;
  }

  private _filter(e: Event) {
    this._agentId = Number((e.target as HTMLSelectElement).value);
    void this._load();
  }

  private async _revoke(tk: AgentApiToken) {
    if (!confirm(t('tokens.confirmRevokeOf', { name: tk.name, agent: tk.agent.name }))) return;
    try {
      await directory.revokeAnyToken(this._store.api, tk.id);
      toast(t('tokens.revokedToast'));
      await this._load();
      this.dispatchEvent(new CustomEvent('kf-tokens-changed', { bubbles: true, composed: true }));
    } catch (err) {
      toastError(err);
    }
  }

  private _row(tk: AgentApiToken) {
    return html`<tr class=${tk.revokedAt ? 'revoked' : ''} data-token=${tk.id}>
      <td><div class="owner"><span>${tk.agent.name}</span><span class="faint hide-narrow">${tk.agent.email}</span></div></td>
      <td class="sub name">${tk.name}</td>
      <td class="hide-narrow"><code class="prefix">${tk.prefix}…</code></td>
      <td class="muted hide-narrow">${formatDateTime(tk.createdAt)}</td>
      <td class="muted hide-narrow">${tk.lastUsedAt ? formatDateTime(tk.lastUsedAt) : t('tokens.never')}</td>
      <td class="actions"><div class="row-actions">${tk.revokedAt
        ? html`<span class="faint">${t('tokens.revoked')}</span>`
        : html`<button class="btn sm danger" @click=${() => void this._revoke(tk)}>${t('tokens.revoke')}</button>`}</div></td>
    </tr>`;
  }

  override render() {
    const agents = this._store.agents;
    return html`<section class="panel" aria-labelledby="all-tokens">
      <h2><span id="all-tokens" class="grow">${t('tokens.all')}</span>
        <select class="field" aria-label=${t('tokens.filterAgent')} @change=${this._filter}>
          <option value="0">${t('tokens.allAgents')}</option>
          ${agents.map((a) => html`<option value=${a.id} ?selected=${a.id === this._agentId}>${a.name}</option>`)}
        </select>
      </h2>
      <p class="desc">${t('tokens.allHint')}</p>
      ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
      <div class="scroll"><table>
        <thead><tr><th>${t('tokens.owner')}</th><th>${t('tokens.name')}</th><th class="hide-narrow">${t('tokens.prefix')}</th><th class="hide-narrow">${t('tokens.created')}</th><th class="hide-narrow">${t('tokens.lastUsed')}</th><th></th></tr></thead>
        <tbody>${this._items.map((tk) => this._row(tk))}</tbody>
      </table></div>
      ${this._loaded && this._items.length === 0 && !this._error ? html`<div class="empty">${t('tokens.empty')}</div>` : ''}
    </section>`;
  }
}
