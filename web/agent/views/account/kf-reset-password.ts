import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../../../shared/api.js';
import { t } from '../../../shared/i18n/i18n.js';
import type { Session } from '../../../shared/types.js';
import { accountLinks } from '../../data/invites.js';
import { base } from '../../styles.js';
import { authStyles } from '../../components/auth-styles.js';
import { confirmedPassword, newPasswordFields, submitError } from '../../components/new-password.js';
import '../../components/kf-language-select.js';

/** Opened from the reset mail (/reset-password?token=…): a new password, then straight into the app. */
@customElement('kf-reset-password')
export class KfResetPassword extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  @property() token = '';
  @state() private _error = '';
  @state() private _invalid = false;
  @state() private _busy = false;

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
      const session = await accountLinks.reset(this.api, this.token, password);
      this.dispatchEvent(new CustomEvent<Session>('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_reset_token') this._invalid = true;
      else this._error = submitError(err);
    } finally {
      this._busy = false;
    }
  }

  private _restart() {
    this.dispatchEvent(new CustomEvent('forgot-again', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<div class="panel">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1>${t('reset.title')}</h1>
      ${this._invalid || !this.token
        ? html`<div class="alert" role="alert">${t('reset.invalid')}</div>
            <div class="links"><button class="link" type="button" @click=${this._restart}>${t('reset.again')}</button></div>`
        : html`<p class="sub">${t('reset.subtitle')}</p>
            <form @submit=${this._submit}>
              ${this._error ? html`<div class="alert" role="alert">${this._error}</div>` : ''}
              ${newPasswordFields({ labelKey: 'reset.password', hint: true })}
              <button class="btn primary" type="submit" ?disabled=${this._busy}>${t('reset.submit')}</button>
            </form>`}
      <div class="foot"><kf-language-select></kf-language-select></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-reset-password': KfResetPassword;
  }
}
