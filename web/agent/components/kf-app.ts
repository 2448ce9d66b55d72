import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { ApiClient, ApiError } from '../../shared/api.js';
import { resolveLanguage, setLanguage, t } from '../../shared/i18n/i18n.js';
import { setFormatContext } from '../../shared/format.js';
import type { Session } from '../../shared/types.js';
import { auth } from '../data/api-calls.js';
import { AppStore, storeContext } from '../data/store.js';
import { base } from '../styles.js';
import { errorMessage } from '../toast.js';
import { LANGUAGE_KEY } from './kf-language-select.js';
import './kf-login.js';
import './kf-setup.js';
import './kf-shell.js';
import '../views/account/kf-accept-invite.js';
import '../views/account/kf-reset-password.js';

type Phase = 'loading' | 'setup' | 'login' | 'ready' | 'error' | 'invite' | 'reset';

/** Pages opened from a mailed link; the token rides in the query string. */
const LINK_PAGES: Record<string, Phase> = { '/invite': 'invite', '/reset-password': 'reset' };

/** Boots the app: decides between first-run setup, sign-in and the signed-in shell. */
@customElement('kf-app')
export class KfApp extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; height: 100vh; }
      .center { height: 100%; display: grid; place-items: center; color: var(--kf-text-muted); }
      .fail { text-align: center; display: grid; gap: 12px; justify-items: center; }
    `,
  ];

  @state() private _phase: Phase = 'loading';
  @state() private _expired = false;
  @state() private _error = '';
  @state() private _forgot = false;
  private _linkToken = '';
  @provide({ context: storeContext }) @state() private _store?: AppStore;
  private readonly _api = new ApiClient({ onUnauthorized: () => this._onUnauthorized() });

  override connectedCallback(): void {
    super.connectedCallback();
    void this._boot();
  }

  private async _boot() {
    await setLanguage(resolveLanguage(localStorage.getItem(LANGUAGE_KEY), navigator.languages));
    const linkPage = LINK_PAGES[location.pathname];
    if (linkPage) {
      this._linkToken = new URLSearchParams(location.search).get('token') ?? '';
      // Someone still signed in on this browser needs the CSRF token for the page's writes.
      const signedIn = await auth.me(this._api).catch(() => null);
      if (signedIn) this._api.csrfToken = signedIn.csrfToken;
      this._phase = linkPage;
      return;
    }
    try {
      await this._start(await auth.me(this._api));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        try {
          const { needsSetup } = await auth.setupState(this._api);
          this._phase = needsSetup ? 'setup' : 'login';
        } catch {
          this._phase = 'login';
        }
      } else {
        this._error = errorMessage(err);
        this._phase = 'error';
      }
    }
  }

  private async _start(session: Session) {
    this._api.csrfToken = session.csrfToken;
    const agent = session.agent;
    localStorage.setItem(LANGUAGE_KEY, agent.language);
    await setLanguage(resolveLanguage(agent.language, navigator.languages));
    setFormatContext({ locale: agent.language, timeZone: agent.timezone ?? undefined });
    const store = new AppStore(this._api, agent);
    await store.loadDirectory();
    void store.refreshCounts();
    store.connect();
    this._store = store;
    this._phase = 'ready';
  }

  private _onUnauthorized() {
    if (this._phase === 'ready') {
      this._store?.disconnect();
      this._expired = true;
    }
  }

  private async _signedIn(e: CustomEvent<Session>) {
    // The one-time token must not linger in the address bar or the history.
    if (this._linkToken) history.replaceState(null, '', '/');
    this._linkToken = '';
    if (this._expired && this._store) {
      if (e.detail.agent.id !== this._store.me.id) {
        location.reload();
        return;
      }
      // Same agent again: keep every open view (and the half-written reply) as it was.
      this._api.csrfToken = e.detail.csrfToken;
      this._expired = false;
      this._store.connect();
      this._store.dispatchEvent(new Event('resumed'));
      return;
    }
    await this._start(e.detail);
  }

  private _forgotAgain() {
    history.replaceState(null, '', '/');
    this._linkToken = '';
    this._forgot = true;
    this._phase = 'login';
  }

  private async _signOut() {
    try {
      await auth.logout(this._api);
    } catch {
      // Signing out locally is what matters to the person at the keyboard.
    }
    this._store?.disconnect();
    this._store = undefined;
    this._api.csrfToken = null;
    this._phase = 'login';
  }

  override render() {
    switch (this._phase) {
      case 'loading':
        return html`<div class="center" aria-busy="true">${t('app.loading')}</div>`;
      case 'error':
        return html`<div class="center"><div class="fail">
          <strong>${t('error.title')}</strong><span class="muted">${this._error}</span>
          <button class="btn" @click=${() => location.reload()}>${t('action.retry')}</button>
        </div></div>`;
      case 'setup':
        return html`<kf-setup .api=${this._api} @signed-in=${this._signedIn}></kf-setup>`;
      case 'login':
        return html`<kf-login .api=${this._api} ?forgot=${this._forgot} @signed-in=${this._signedIn}></kf-login>`;
      case 'invite':
        return html`<kf-accept-invite .api=${this._api} .token=${this._linkToken} @signed-in=${this._signedIn}></kf-accept-invite>`;
      case 'reset':
        return html`<kf-reset-password .api=${this._api} .token=${this._linkToken} @signed-in=${this._signedIn} @forgot-again=${this._forgotAgain}></kf-reset-password>`;
      case 'ready':
        return html`<kf-shell @sign-out=${this._signOut}></kf-shell>
          ${this._expired
            ? html`<kf-login overlay .api=${this._api} .email=${this._store?.me.email ?? ''} @signed-in=${this._signedIn}></kf-login>`
            : ''}`;
    }
  }
}
