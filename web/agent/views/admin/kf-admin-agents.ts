import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { LANGUAGES, t } from '../../../shared/i18n/i18n.js';
import type { Agent, Language, Role } from '../../../shared/types.js';
import { directory } from '../../data/api-calls.js';
import { invites, type Invite, type IssuedInvite } from '../../data/invites.js';
import { formatDateTime } from '../../../shared/format.js';
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
      .hint { margin: 0 0 12px; color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .warn { margin: 0 0 12px; padding: 8px 10px; border-radius: var(--kf-radius); background: var(--kf-warning-soft); color: var(--kf-text); font-size: var(--kf-text-sm); }
      .link-box { display: grid; gap: 6px; margin-top: 12px; padding: 12px 14px; border-radius: var(--kf-radius-lg); background: var(--kf-success-soft); border: 1px solid var(--kf-border); }
      .link-box .row { display: flex; gap: 8px; align-items: center; }
      .link-box input { flex: 1; min-width: 0; font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); }
      .link-box small { color: var(--kf-text-muted); }
      .expired { color: var(--kf-danger); }
      .row-actions { flex-wrap: wrap; }
      @media (max-width: 700px) {
        .pending thead { display: none; }
        .pending tr { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 12px; padding: 10px 12px; border-bottom: 1px solid var(--kf-border); }
        .pending td { border: 0; padding: 0; height: auto; }
        .pending td.email { flex-basis: 100%; font-weight: 600; word-break: break-all; }
        .pending td.when { display: none; }
        .pending td.actions { flex-basis: 100%; }
        .pending .row-actions { justify-content: flex-start; margin-top: 6px; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);

  @state() private _invites: Invite[] = [];
  @state() private _mailConfigured = true;
  /** The link just issued: shown once, since the server keeps only its hash. */
  @state() private _issued: IssuedInvite | null = null;

  private get _isAdmin() {
    return this._store.me.role === 'admin';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this._isAdmin) void this._loadInvites();
  }

  private async _loadInvites() {
    try {
      const r = await invites.list(this._store.api);
      this._invites = r.items;
      this._mailConfigured = r.mailConfigured;
    } catch (err) {
      toastError(err);
    }
  }

  private async _invite(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    const team = String(f.get('team') ?? '');
    try {
      this._issued = await invites.create(this._store.api, {
        email: String(f.get('email')),
        role: String(f.get('role')) as Role,
        teamId: team ? Number(team) : null,
        language: String(f.get('language')) as Language,
      });
      if (this._issued.mailed) toast(t('agents.inviteSent', { email: this._issued.invite.email }));
      form.reset();
      await this._loadInvites();
    } catch (err) {
      toastError(err);
    }
  }

  private async _act(invite: Invite, action: 'resend' | 'newLink' | 'revoke') {
    try {
      if (action === 'revoke') {
        await invites.revoke(this._store.api, invite.id);
        if (this._issued?.invite.id === invite.id) this._issued = null;
        toast(t('agents.revoked', { email: invite.email }));
      } else {
        this._issued = await invites[action](this._store.api, invite.id);
        if (this._issued.mailed) toast(t('agents.inviteSent', { email: invite.email }));
        else if (action === 'newLink') await navigator.clipboard?.writeText(this._issued.link).then(() => toast(t('action.copied')), () => undefined);
      }
      await this._loadInvites();
    } catch (err) {
      toastError(err);
    }
  }

  private _renderIssued() {
    const issued = this._issued;
    if (!issued) return '';
    return html`<div class="link-box" role="status">
      <strong>${t('agents.inviteLink', { email: issued.invite.email })}</strong>
      <div class="row">
        <input class="field" readonly aria-label=${t('agents.inviteLink', { email: issued.invite.email })} .value=${issued.link} @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()} />
        <button class="btn sm" type="button" @click=${() => void navigator.clipboard.writeText(issued.link).then(() => toast(t('action.copied')))}>${icon('copy', 12)}${t('action.copy')}</button>
      </div>
      <small>${t('agents.linkNote')}</small>
    </div>`;
  }

  private _renderInviteForm() {
    const teams = this._store.teams;
    return html`<form class="panel" @submit=${this._invite}>
      <h2>${icon('plus', 14)}${t('agents.invite')}</h2>
      <div class="body">
        ${this._mailConfigured ? html`<p class="hint">${t('agents.inviteHint')}</p>` : html`<p class="warn" role="note">${t('agents.noMailHint')}</p>`}
        <div class="form-grid">
          <div><label class="lbl" for="iemail">${t('contact.email')}</label><input class="field" id="iemail" name="email" type="email" required autocomplete="off" /></div>
          <div><label class="lbl" for="irole">${t('agents.role')}</label><select class="field" id="irole" name="role" style="width:100%;height:32px">${ROLES.map((r) => html`<option value=${r}>${t(`role.${r}`)}</option>`)}</select></div>
          <div><label class="lbl" for="iteam">${t('agents.team')}</label><select class="field" id="iteam" name="team" style="width:100%;height:32px">
            <option value="">${t('agents.noTeam')}</option>${teams.map((tm) => html`<option value=${tm.id}>${tm.name}</option>`)}</select></div>
          <div><label class="lbl" for="ilang">${t('agents.inviteLanguage')}</label><select class="field" id="ilang" name="language" style="width:100%;height:32px">
            ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${l.code === this._store.me.language}>${l.label}</option>`)}</select></div>
          <div><button class="btn primary" style="width:100%;height:32px">${t('agents.sendInvite')}</button></div>
        </div>
        ${this._renderIssued()}
      </div>
    </form>`;
  }

  private _renderPending() {
    const teamName = (id: number | null) => this._store.teams.find((tm) => tm.id === id)?.name ?? '';
    return html`<div class="panel pending">
      <h2>${t('agents.pending')}</h2>
      ${this._invites.length === 0
        ? html`<div class="empty">${t('agents.noPending')}</div>`
        : html`<table>
            <thead><tr><th>${t('contact.email')}</th><th>${t('agents.role')}</th><th class="when">${t('agents.invitedAt')}</th><th>${t('agents.expires')}</th><th></th></tr></thead>
            <tbody>${this._invites.map((i) => html`<tr>
              <td class="email">${i.email}</td>
              <td class="muted">${t(`role.${i.role}`)}${i.teamId !== null ? html` · ${teamName(i.teamId)}` : ''}</td>
              <td class="muted when">${formatDateTime(i.sentAt)}</td>
              <td class=${i.expired ? 'expired' : 'muted'}>${i.expired ? t('agents.expired') : formatDateTime(i.expiresAt)}</td>
              <td class="actions"><div class="row-actions">
                ${this._mailConfigured ? html`<button class="btn sm" @click=${() => void this._act(i, 'resend')}>${t('agents.resend')}</button>` : ''}
                <button class="btn sm" @click=${() => void this._act(i, 'newLink')}>${icon('copy', 12)}${t('agents.copyLink')}</button>
                <button class="btn sm danger" @click=${() => void this._act(i, 'revoke')}>${t('agents.revoke')}</button>
              </div></td>
            </tr>`)}</tbody>
          </table>`}
    </div>`;
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
        ${this._isAdmin ? this._renderInviteForm() : ''}
        ${this._isAdmin ? this._renderPending() : ''}
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
