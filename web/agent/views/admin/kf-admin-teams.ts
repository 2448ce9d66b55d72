import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import type { AssignmentMode, AssignmentSettings, Team } from '../../../shared/types.js';
import { assignment, crud } from '../../data/api-calls.js';
import { StoreController, storeContext, type AppStore } from '../../data/store.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';
import { avatar } from '../../components/kf-avatar.js';
import { page } from '../page-styles.js';
import './kf-assignment-agents.js';
import './kf-assignment-form.js';

const MODE_LABEL: Record<AssignmentMode, MessageKey> = { off: 'autoAssign.modeOff', round_robin: 'autoAssign.modeRoundRobin', least_loaded: 'autoAssign.modeLeastLoaded' };

@customElement('kf-admin-teams')
export class KfAdminTeams extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .team { padding: 14px 16px; border-bottom: 1px solid var(--kf-border); display: grid; gap: 10px; }
      .team:last-child { border-bottom: 0; }
      .team .top { display: flex; align-items: center; gap: 10px; }
      .team .top strong { flex: 1; }
      .members { display: flex; flex-wrap: wrap; gap: 6px; }
      .member { display: inline-flex; align-items: center; gap: 6px; height: 28px; padding: 0 10px 0 4px; border: 1px solid var(--kf-border); border-radius: 14px; cursor: pointer; background: var(--kf-bg); font-size: var(--kf-text-sm); }
      .member[aria-pressed='true'] { border-color: var(--kf-accent); background: var(--kf-accent-soft); }
      .member[aria-pressed='false'] { color: var(--kf-text-faint); }
      .add { display: flex; gap: 8px; }
      .add .field { max-width: 280px; }
      .team .top { flex-wrap: wrap; }
      .queue { font-size: var(--kf-text-sm); color: var(--kf-text-muted); }
      .assignment { border-top: 1px dashed var(--kf-border); padding-top: 12px; }
      .narrow { max-width: 960px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @state() private _editing: number | null = null;
  /** the team whose assignment settings are open */
  @state() private _assigning: number | null = null;
  @state() private _default: AssignmentSettings | null = null;

  override connectedCallback() {
    super.connectedCallback();
    void this._loadDefault();
  }

  private async _loadDefault() {
    try {
      this._default = await assignment.getDefault(this._store.api);
    } catch (err) {
      toastError(err);
    }
  }

  private async _saveDefault(e: CustomEvent<AssignmentSettings>) {
    try {
      this._default = await assignment.updateDefault(this._store.api, e.detail);
      toast(t('profile.saved'));
    } catch (err) {
      toastError(err);
    }
  }

  private async _saveTeam(team: Team, e: CustomEvent<AssignmentSettings>) {
    try {
      await assignment.updateTeam(this._store.api, team.id, e.detail);
      toast(t('profile.saved'));
      await this._store.loadDirectory();
    } catch (err) {
      toastError(err);
    }
  }

  private get _api() {
    return crud<Team>(this._store.api, '/teams');
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
    void this._run(this._api.create({ name, memberIds: [] }));
  }

  /**
   * Member lists being saved, by team. Each toggle sends the whole list, so a quick second click
   * must start from the first click's list (not the team as last loaded), and the saves go one
   * after another: otherwise the second can undo the first.
   */
  @state() private _members = new Map<number, number[]>();
  private _saving: Promise<void> = Promise.resolve();

  private _membersOf(team: Team): number[] {
    return this._members.get(team.id) ?? team.memberIds;
  }

  private _toggle(team: Team, agentId: number) {
    const current = this._membersOf(team);
    const memberIds = current.includes(agentId) ? current.filter((i) => i !== agentId) : [...current, agentId];
    this._members = new Map(this._members).set(team.id, memberIds);
    this._saving = this._saving
      .then(() => this._run(this._api.update(team.id, { memberIds })))
      .finally(() => {
        if (this._members.get(team.id) !== memberIds) return;
        const rest = new Map(this._members);
        rest.delete(team.id);
        this._members = rest;
      });
  }

  override render() {
    const agents = this._store.agents.filter((a) => a.active);
    return html`<div class="page-head"><h1>${t('admin.teams')}</h1></div>
      <div class="page-body"><div class="narrow">
        <div class="panel" style="margin-bottom:16px" aria-label=${t('autoAssign.defaultTitle')}>
          <h2>${t('autoAssign.defaultTitle')}</h2><p class="desc">${t('autoAssign.defaultHint')}</p>
          <div class="body">${this._default ? html`<kf-assignment-form class="default" .settings=${this._default} @kf-save=${this._saveDefault}></kf-assignment-form>` : ''}</div>
        </div>
        <form class="add" @submit=${this._add} style="margin-bottom:16px"><input class="field" name="name" placeholder=${t('teams.name')} aria-label=${t('teams.name')} required /><button class="btn primary">${icon('plus', 14)}${t('teams.add')}</button></form>
        <div class="panel">
          ${this._store.teams.length === 0 ? html`<div class="empty">${t('teams.empty')}</div>` : ''}
          ${this._store.teams.map((team) => html`<div class="team">
            <div class="top">${icon('users', 16)}<strong>${team.name}</strong><span class="faint">${team.memberIds.length === 1 ? t('teams.oneMember') : t('teams.members', { n: team.memberIds.length })}</span>
              <span class="queue" data-queue>${t('autoAssign.queue', { n: team.queueLength ?? 0 })}</span>
              <button class="btn sm" aria-expanded=${this._assigning === team.id} @click=${() => (this._assigning = this._assigning === team.id ? null : team.id)}>${t('autoAssign.title')}: ${t(MODE_LABEL[team.assignment?.mode ?? 'off'])}</button>
              <button class="btn sm" @click=${() => (this._editing = this._editing === team.id ? null : team.id)}>${this._editing === team.id ? t('action.done') : t('teams.editMembers')}</button>
              <button class="icon-btn" aria-label=${t('action.delete')} @click=${() => confirm(t('teams.confirmDelete', { name: team.name })) && void this._run(this._api.remove(team.id))}>${icon('x', 14)}</button></div>
            <div class="members">${(this._editing === team.id ? agents : agents.filter((a) => this._membersOf(team).includes(a.id))).map((a) => html`<button class="member" aria-pressed=${this._membersOf(team).includes(a.id)}
                ?disabled=${this._editing !== team.id} @click=${() => this._toggle(team, a.id)}>${avatar(a.name, a.avatarUrl, 20)}${a.name}</button>`)}</div>
            ${this._assigning === team.id && team.assignment ? html`<div class="assignment"><kf-assignment-form .settings=${team.assignment} @kf-save=${(e: CustomEvent<AssignmentSettings>) => void this._saveTeam(team, e)}></kf-assignment-form></div>` : ''}
          </div>`)}
        </div>
        <div class="panel agents"><h2>${t('autoAssign.agentsTitle')}</h2><p class="desc">${t('autoAssign.agentsHint')}</p><div class="body"><kf-assignment-agents></kf-assignment-agents></div></div>
      </div></div>`;
  }
}
