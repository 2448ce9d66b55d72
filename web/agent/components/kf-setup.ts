import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../../shared/api.js';
import { t } from '../../shared/i18n/i18n.js';
import type { Session } from '../../shared/types.js';
import { auth } from '../data/api-calls.js';
import { base } from '../styles.js';
import { authStyles } from './auth-styles.js';
import { confirmedPassword, keepFormLanguage, newPasswordFields, submitError } from './new-password.js';
import './kf-language-select.js';

/** First run: creates the first admin with the one-time token printed by the server. */
@customElement('kf-setup')
export class KfSetup extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  @state() private _error = '';
  @state() private _busy = false;
  private readonly _token = new URLSearchParams(location.search).get('token') ?? '';

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const password = confirmedPassword(f);
    if (password === null) {
      this._error = t('setup.mismatch');
      return;
    }
    this._busy = true;
    this._error = '';
    try {
      const created = await auth.setup(this.api, {
        token: String(f.get('token') ?? this._token),
        name: String(f.get('name')),
        email: String(f.get('email')),
        password,
      });
      const session = await keepFormLanguage(this.api, created);
      // The token must not linger in the address bar or the history.
      history.replaceState(null, '', `/${location.hash}`);
      this.dispatchEvent(new CustomEvent<Session>('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      this._error = submitError(err, t('setup.failed'));
    } finally {
      this._busy = false;
    }
  }

  override render() {
    return html`<div class="panel">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1>${t('setup.title')}</h1>
      <p class="sub">${t('setup.subtitle')}</p>
      <form @submit=${this._submit}>
        ${this._error ? html`<div class="alert" role="alert">${this._error}</div>` : ''}
        ${this._token
          ? ''
          : html`<div class="info">${t('setup.tokenHint')}</div>
              <div>
                <label class="lbl" for="token">${t('setup.token')}</label>
                <input class="field" id="token" name="token" required autocomplete="off" />
              </div>`}
        <div>
          <label class="lbl" for="name">${t('setup.name')}</label>
          <input class="field" id="name" name="name" required autocomplete="name" />
        </div>
        <div>
          <label class="lbl" for="email">${t('login.email')}</label>
          <input class="field" id="email" name="email" type="email" required autocomplete="username" />
        </div>
        ${newPasswordFields({ labelKey: 'login.password' })}
        <button class="btn primary" type="submit" ?disabled=${this._busy}>${t('setup.submit')}</button>
      </form>
      <div class="foot"><kf-language-select></kf-language-select></div>
    </div>`;
  }
}
