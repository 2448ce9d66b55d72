import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../../shared/api.js';
import { currentLanguage, t } from '../../shared/i18n/i18n.js';
import { auth } from '../data/api-calls.js';
import { base } from '../styles.js';
import { authStyles } from './auth-styles.js';
import { keepFormLanguage, newPasswordFields, NewPasswordSubmit, submitError } from './new-password.js';
import './kf-language-select.js';

/** First run: creates the first admin with the one-time token printed by the server. */
@customElement('kf-setup')
export class KfSetup extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  private readonly _token = new URLSearchParams(location.search).get('token') ?? '';
  private readonly _form = new NewPasswordSubmit(
    this,
    async (f, password) => {
      const created = await auth.setup(this.api, {
        token: String(f.get('token') ?? this._token),
        name: String(f.get('name')),
        email: String(f.get('email')),
        password,
        // The desk's first rules are written in the language the first admin set it up in.
        language: currentLanguage(),
      });
      const session = await keepFormLanguage(this.api, created);
      // The token must not linger in the address bar or the history.
      history.replaceState(null, '', `/${location.hash}`);
      return session;
    },
    (err) => submitError(err, t('setup.failed')),
  );

  override render() {
    return html`<div class="panel">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1>${t('setup.title')}</h1>
      <p class="sub">${t('setup.subtitle')}</p>
      <form @submit=${this._form.submit}>
        ${this._form.alert()}
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
        <button class="btn primary" type="submit" ?disabled=${this._form.busy}>${t('setup.submit')}</button>
      </form>
      <div class="foot"><kf-language-select></kf-language-select></div>
    </div>`;
  }
}
