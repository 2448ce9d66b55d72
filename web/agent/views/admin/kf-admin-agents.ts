import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import type { Agent, Role } from '../../../shared/types.js';
import { directory } from '../../data/api-calls.js';
import { StoreController, storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';
import { avatar } from '../../components/kf-avatar.js';
import { page } from '../page-styles.js';

const ROLES: Role[] = ['agent', 'supervisor', 'admin'];

@customElement('kf-admin-agents')
export class KfAdminAgents extends LitElement {
  static override styles = [
    base,
    page,
    css`
      select.field { height: 28px; width: auto; }
      .presence { display: inline-flex; align-items: center; gap: 6px; color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .inactive td { opacity: 0.55; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);

  private get _isAdmin() {
    return this._store.me.role === 'admin';
  }

  private async _invite(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    try {
      const r = await directory.inviteAgent(this._store.api, {
        email: String(f.get('email')),
        name: String(f.get('name')),
        role: String(f.get('role')),
        password: String(f.get('password')),
      });
      toast(t('agents.invited', { name: r.agent.name }));
      form.reset();
      await this._store.loadDirectory();
    } catch (err) {
      toastError(err);
    }
  }

  private async _update(a: Agent, body: Partial<Pick<Agent, 'role' | 'active'>>) {
    try {
      await directory.updateAgent(this._store.api, a.id, body);
      await this._store.loadDirectory();
      toast(t('profile.saved'));
    } catch (err) {
      toastError(err);
    }
  }

  override render() {
    const agents = this._store.agents;
    return html`
      <div class="page-head"><h1>${t('admin.agents')}</h1></div>
      <div class="page-body">
        ${this._isAdmin
          ? html`<form class="panel" @submit=${this._invite}>
              <h2>${icon('plus', 14)}${t('agents.invite')}</h2>
              <div class="body">
                <div class="form-grid">
                  <div><label class="lbl" for="iname">${t('contact.name')}</label><input class="field" id="iname" name="name" required /></div>
                  <div><label class="lbl" for="iemail">${t('contact.email')}</label><input class="field" id="iemail" name="email" type="email" required /></div>
                  <div><label class="lbl" for="irole">${t('agents.role')}</label><select class="field" id="irole" name="role" style="width:100%;height:32px">${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select></div>
                  <div><label class="lbl" for="ipw">${t('agents.initialPassword')}</label><input class="field" id="ipw" name="password" type="password" minlength="8" required autocomplete="new-password" placeholder=${t('agents.passwordHint')} /></div>
                  <div><button class="btn primary" style="width:100%;height:32px">${t('agents.sendInvite')}</button></div>
                </div>
              </div>
            </form>`
          : ''}
        <div class="panel" style="margin-top:16px">
          <table>
            <thead><tr><th>${t('contact.name')}</th><th>${t('contact.email')}</th><th>${t('agents.role')}</th><th>${t('agents.presence')}</th><th></th></tr></thead>
            <tbody>${agents.map((a) => {
              const p = this._store.presence.get(a.id) ?? a.presence;
              return html`<tr class=${a.active ? '' : 'inactive'}>
                <td><span class="who">${avatar(a.name, a.avatarUrl, 26)}<span class="ellipsis">${a.name}</span></span></td>
                <td class="muted">${a.email}</td>
                <td>${this._isAdmin && a.id !== this._store.me.id
                  ? html`<select class="field" aria-label=${t('agents.role')} @change=${(e: Event) => void this._update(a, { role: (e.target as HTMLSelectElement).value as Role })}>
                      ${ROLES.map((r) => html`<option value=${r} ?selected=${a.role === r}>${t(`role.${r}`)}</option>`)}</select>`
                  : t(`role.${a.role}`)}</td>
                <td><span class="presence"><span class="dot" style="background:${p === 'online' ? 'var(--kf-success)' : p === 'away' ? 'var(--kf-warning)' : 'var(--kf-text-faint)'}"></span>${a.active ? t(`presence.${p}`) : t('agents.deactivated')}</span></td>
                <td><div class="row-actions">${this._isAdmin && a.id !== this._store.me.id
                  ? html`<button class="btn sm ${a.active ? 'danger' : ''}" @click=${() => void this._update(a, { active: !a.active })}>${a.active ? t('agents.deactivate') : t('agents.reactivate')}</button>`
                  : ''}</div></td>
              </tr>`;
            })}</tbody>
          </table>
        </div>
      </div>`;
  }
}
