import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { LANGUAGES, t } from '../../shared/i18n/i18n.js';
import type { Agent, AgentPreferences } from '../../shared/types.js';
import { auth } from '../data/api-calls.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { chime } from '../notify.js';
import { base } from '../styles.js';
import { toast, toastError } from '../toast.js';
import { avatar } from '../components/kf-avatar.js';
import { LANGUAGE_KEY } from '../components/kf-language-select.js';
import { page } from './page-styles.js';

function timeZones(): string[] {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Asia/Shanghai', 'Asia/Taipei', 'Asia/Hong_Kong', 'Europe/London', 'America/New_York'];
  }
}

/** The agent's own profile: name, avatar, language, time zone, notifications, password. */
@customElement('kf-profile')
export class KfProfile extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .id { display: flex; align-items: center; gap: 14px; margin-bottom: 16px; }
      .id .name { font-size: var(--kf-text-lg); font-weight: 650; }
      .toggle { display: flex; align-items: flex-start; gap: 10px; padding: 8px 0; }
      .toggle input { margin-top: 3px; accent-color: var(--kf-accent); }
      .toggle .desc { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .actions { display: flex; justify-content: flex-end; margin-top: 14px; gap: 8px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @state() private _permission = typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;

  private async _patch(body: Record<string, unknown>, message = t('profile.saved')): Promise<Agent | null> {
    try {
      const { agent } = await auth.updateMe(this._store.api, body);
      this._store.me = agent;
      this._store.changed();
      toast(message);
      return agent;
    } catch (err) {
      toastError(err);
      return null;
    }
  }

  private async _saveProfile(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const language = String(f.get('language'));
    const before = this._store.me;
    const agent = await this._patch({
      name: String(f.get('name')).trim(),
      avatarUrl: String(f.get('avatarUrl')).trim() || null,
      language,
      timezone: String(f.get('timezone')) || null,
    });
    if (agent && (agent.language !== before.language || agent.timezone !== before.timezone)) {
      localStorage.setItem(LANGUAGE_KEY, agent.language);
      location.reload();
    }
  }

  /**
   * Preferences as last asked for, and the saves in order. Two toggles in quick succession each
   * merged into the preferences of before the other's answer, and the save landing last lost the
   * other's change: each save now carries every change asked for so far, after the one before.
   */
  #prefs: AgentPreferences | null = null;
  #savingPrefs: Promise<unknown> = Promise.resolve();

  private _prefs(p: AgentPreferences): Promise<unknown> {
    const preferences = { ...(this.#prefs ?? this._store.me.preferences), ...p };
    this.#prefs = preferences;
    this.#savingPrefs = this.#savingPrefs.then(() => this._patch({ preferences }));
    return this.#savingPrefs;
  }

  private async _desktop(on: boolean) {
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      this._permission = await Notification.requestPermission();
    }
    await this._prefs({ desktopNotifications: on });
  }

  private async _password(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = new FormData(form);
    if (f.get('newPassword') !== f.get('confirm')) {
      toast(t('setup.mismatch'), 'error');
      return;
    }
    if (await this._patch({ currentPassword: f.get('currentPassword'), newPassword: f.get('newPassword') }, t('profile.passwordChanged'))) form.reset();
  }

  override render() {
    const me = this._store.me;
    const zone = me.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const zones = timeZones();
    if (!zones.includes(zone)) zones.unshift(zone);
    return html`
      <div class="page-head"><h1>${t('nav.profile')}</h1></div>
      <div class="page-body"><div class="narrow">
        <div class="id">${avatar(me.name, me.avatarUrl, 48)}<div><div class="name">${me.name}</div><div class="muted">${me.email} · ${t(`role.${me.role}`)}</div></div></div>
        <form class="panel" @submit=${this._saveProfile}>
          <h2>${t('profile.details')}</h2>
          <div class="body form-grid">
            <div><label class="lbl" for="name">${t('contact.name')}</label><input class="field" id="name" name="name" required .value=${me.name} /></div>
            <div><label class="lbl" for="avatarUrl">${t('profile.avatar')}</label><input class="field" id="avatarUrl" name="avatarUrl" type="url" placeholder="https://" .value=${me.avatarUrl ?? ''} /></div>
            <div><label class="lbl" for="language">${t('profile.language')}</label>
              <select class="field" id="language" name="language">${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${l.code === me.language}>${l.label}</option>`)}</select></div>
            <div><label class="lbl" for="timezone">${t('profile.timezone')}</label>
              <select class="field" id="timezone" name="timezone">${zones.map((z) => html`<option value=${z} ?selected=${z === zone}>${z}</option>`)}</select></div>
          </div>
          <div class="body" style="padding-top:0"><div class="actions" style="margin:0"><button class="btn primary">${t('action.save')}</button></div></div>
        </form>
        <div class="panel">
          <h2>${t('profile.notifications')}</h2>
          <div class="body">
            <label class="toggle"><input type="checkbox" .checked=${me.preferences.desktopNotifications !== false} @change=${(e: Event) => void this._desktop((e.target as HTMLInputElement).checked)} />
              <span><span>${t('profile.desktop')}</span><br /><span class="desc">${this._permission === 'denied' ? t('profile.permissionDenied') : t('profile.desktopHint')}</span></span></label>
            <label class="toggle"><input type="checkbox" .checked=${me.preferences.sound !== false} @change=${(e: Event) => void this._prefs({ sound: (e.target as HTMLInputElement).checked })} />
              <span><span>${t('profile.sound')}</span><br /><span class="desc">${t('profile.soundHint')}</span></span></label>
            <button class="btn sm" @click=${() => chime()}>${t('profile.testSound')}</button>
          </div>
        </div>
        <form class="panel" @submit=${this._password}>
          <h2>${t('profile.password')}</h2>
          <div class="body form-grid">
            <div><label class="lbl" for="cur">${t('profile.currentPassword')}</label><input class="field" id="cur" name="currentPassword" type="password" required autocomplete="current-password" /></div>
            <div><label class="lbl" for="np">${t('profile.newPassword')}</label><input class="field" id="np" name="newPassword" type="password" minlength="8" required autocomplete="new-password" /></div>
            <div><label class="lbl" for="cp">${t('setup.confirm')}</label><input class="field" id="cp" name="confirm" type="password" minlength="8" required autocomplete="new-password" /></div>
          </div>
          <div class="body" style="padding-top:0"><div class="actions" style="margin:0"><button class="btn">${t('profile.changePassword')}</button></div></div>
        </form>
      </div></div>`;
  }
}
