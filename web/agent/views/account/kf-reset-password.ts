import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../../../shared/api.js';
import { t } from '../../../shared/i18n/i18n.js';
import { accountLinks } from '../../data/invites.js';
import { base } from '../../styles.js';
import { authStyles } from '../../components/auth-styles.js';
import { newPasswordFields, NewPasswordSubmit, submitError } from '../../components/new-password.js';
import '../../components/kf-language-select.js';

/** Opened from the reset mail (/reset-password?token=…): a new password, then straight into the app. */
@customElement('kf-reset-password')
export class KfResetPassword extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  @property() token = '';
  @state() private _invalid = false;
  private readonly _form = new NewPasswordSubmit(
    this,
    (_f, password) => accountLinks.reset(this.api, this.token, password),
    (err) => {
      if (!(err instanceof ApiError && err.code === 'invalid_reset_token')) return submitError(err);
      this._invalid = true;
      return '';
    },
  );

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
            <form @submit=${this._form.submit}>
              ${this._form.alert()}
              ${newPasswordFields({ labelKey: 'reset.password', hint: true })}
              <button class="btn primary" type="submit" ?disabled=${this._form.busy}>${t('reset.submit')}</button>
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
