import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../../shared/api.js';
import { t } from '../../shared/i18n/i18n.js';
import type { Session } from '../../shared/types.js';
import { auth } from '../data/api-calls.js';
import { accountLinks } from '../data/invites.js';
import { base } from '../styles.js';
import { authStyles } from './auth-styles.js';
import './kf-language-select.js';

/** The sign-in form; also shown as an overlay when a session expires, so the app behind it keeps its state. */
@customElement('kf-login')
export class KfLogin extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Boolean, reflect: true }) overlay = false;
  @property() email = '';
  @state() private _error = '';
  @state() private _busy = false;
  /** The "forgot password" form replaces the sign-in form in place; `_sentTo` is set once it was sent. */
  @property({ type: Boolean }) forgot = false;
  @state() private _sentTo = '';

  /** The first field still to fill takes focus: the email, unless it is already known. */
  protected override firstUpdated(): void {
    const first = this.renderRoot.querySelector<HTMLInputElement>(this.email ? '#password' : '#email');
    first?.focus();
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    this._busy = true;
    this._error = '';
    try {
      const session = await auth.login(this.api, String(form.get('email')), String(form.get('password')));
      this.dispatchEvent(new CustomEvent<Session>('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      this._error =
        err instanceof ApiError && err.status === 401
          ? t('login.invalid')
          : err instanceof ApiError && err.status === 429
            ? t('login.rateLimited')
            : t('error.network');
    } finally {
      this._busy = false;
    }
  }

  private async _requestReset(e: SubmitEvent) {
    e.preventDefault();
    const email = String(new FormData(e.target as HTMLFormElement).get('email')).trim();
    this._busy = true;
    this._error = '';
    try {
      await accountLinks.forgot(this.api, email);
      this._sentTo = email;
    } catch (err) {
      this._error = err instanceof ApiError && err.status === 429 ? t('forgot.rateLimited') : t('error.network');
    } finally {
      this._busy = false;
    }
  }

  private _showForgot(on: boolean) {
    this.forgot = on;
    this._sentTo = '';
    this._error = '';
  }

  private _renderForgot() {
    return html`<div class="panel" role="dialog" aria-labelledby="title">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1 id="title">${t('forgot.title')}</h1>
      ${this._sentTo
        ? html`<div class="done" role="status">${t('forgot.sent', { email: this._sentTo })}</div>
            <p class="sub small">${t('forgot.noMail')}</p>`
        : html`<p class="sub">${t('forgot.subtitle')}</p>
            <form @submit=${this._requestReset}>
              ${this._error ? html`<div class="alert" role="alert">${this._error}</div>` : ''}
              <div>
                <label class="lbl" for="email">${t('login.email')}</label>
                <input class="field" id="email" name="email" type="email" autocomplete="username" required autofocus .value=${this.email} />
              </div>
              <button class="btn primary" type="submit" ?disabled=${this._busy}>${t('forgot.submit')}</button>
            </form>`}
      <div class="links"><button class="link" type="button" @click=${() => this._showForgot(false)}>${t('forgot.back')}</button></div>
      <div class="foot"><kf-language-select></kf-language-select></div>
    </div>`;
  }

  override render() {
    if (this.forgot) return this._renderForgot();
    return html`<div class="panel" role="dialog" aria-labelledby="title">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1 id="title">${this.overlay ? t('login.expiredTitle') : t('login.title')}</h1>
      <p class="sub">${this.overlay ? t('login.expiredBody') : t('login.subtitle')}</p>
      <form @submit=${this._submit}>
        ${this._error ? html`<div class="alert" role="alert">${this._error}</div>` : ''}
        <div>
          <label class="lbl" for="email">${t('login.email')}</label>
          <input class="field" id="email" name="email" type="email" autocomplete="username" required .value=${this.email} ?readonly=${this.overlay && !!this.email} />
        </div>
        <div>
          <label class="lbl" for="password">${t('login.password')}</label>
          <input class="field" id="password" name="password" type="password" autocomplete="current-password" required />
        </div>
        <button class="btn primary" type="submit" ?disabled=${this._busy}>${this._busy ? t('login.signingIn') : t('login.submit')}</button>
      </form>
      ${this.overlay ? '' : html`<div class="links"><button class="link" type="button" @click=${() => this._showForgot(true)}>${t('login.forgot')}</button></div>`}
      ${this.overlay ? '' : html`<div class="foot"><kf-language-select></kf-language-select></div>`}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-login': KfLogin;
  }
}
