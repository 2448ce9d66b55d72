import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import type { AgentLoad } from '../../../shared/types.js';
import { assignment } from '../../data/api-calls.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';
import { commaList } from './kf-assignment-form.js';

/** Who is there and how much each carries, with the languages and skills assignment matches tickets on. */
@customElement('kf-assignment-agents')
export class KfAssignmentAgents extends LitElement {
  static override styles = [
    base,
    page,
    css`
      :host { display: block; height: auto; overflow: visible; background: none; }
      .dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--kf-text-faint); }
      .dot.online { background: var(--kf-success, #16a34a); }
      .dot.away { background: var(--kf-warning, #d97706); }
      td { white-space: nowrap; }
      td .field { min-width: 140px; }
      .err { padding: 16px; color: var(--kf-danger); }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: AgentLoad[] = [];
  @state() private _error = '';

  override connectedCallback() {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      this._items = await assignment.agents(this._store.api);
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _save(a: AgentLoad, row: HTMLTableRowElement) {
    const value = (name: string) => (row.querySelector(`input[name=${name}]`) as HTMLInputElement).value;
    try {
      await assignment.updateAgent(this._store.api, a.agentId, { languages: commaList(value('languages')), skills: commaList(value('skills')) });
      toast(t('profile.saved'));
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  override render() {
    if (this._error) return html`<div class="err" role="alert">${this._error}</div>`;
    return html`<table>
      <thead><tr><th>${t('contact.name')}</th><th>${t('agents.presence')}</th><th class="num">${t('autoAssign.openChats')}</th><th class="num">${t('autoAssign.openEmails')}</th>
        <th>${t('autoAssign.languages')}</th><th>${t('autoAssign.skills')}</th><th></th></tr></thead>
      <tbody>${this._items.map((a) => html`<tr data-agent=${a.agentId}>
        <td>${a.name}</td>
        <td><span class="dot ${a.presence}"></span>${t(`presence.${a.presence}`)}</td>
        <td class="num">${a.load.chat}</td><td class="num">${a.load.email}</td>
        <td><input class="field" name="languages" aria-label=${t('autoAssign.languagesOf', { name: a.name })} placeholder=${t('autoAssign.languagesPlaceholder')} .value=${a.languages.join(', ')} /></td>
        <td><input class="field" name="skills" aria-label=${t('autoAssign.skillsOf', { name: a.name })} placeholder=${t('autoAssign.skillsPlaceholder')} .value=${a.skills.join(', ')} /></td>
        <td><button class="btn sm" @click=${(e: Event) => void this._save(a, (e.target as HTMLElement).closest('tr') as HTMLTableRowElement)}>${t('action.save')}</button></td>
      </tr>`)}</tbody>
    </table>
    ${this._items.length === 0 ? html`<div class="empty">${t('autoAssign.noAgents')}</div>` : ''}`;
  }
}
