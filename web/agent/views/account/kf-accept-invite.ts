import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../../../shared/api.js';
import { t } from '../../../shared/i18n/i18n.js';
import type { Role } from '../../../shared/types.js';
import { accountLinks } from '../../data/invites.js';
import { base } from '../../styles.js';
import { authStyles } from '../../components/auth-styles.js';
import { keepFormLanguage, newPasswordFields, NewPasswordSubmit, submitError } from '../../components/new-password.js';
import '../../components/kf-language-select.js';

/** Opened from an invitation (/invite?token=…): the new agent picks a name and password and is signed in. */
@customElement('kf-accept-invite')
export class KfAcceptInvite extends LitElement {
  static override styles = [base, authStyles];
  @property({ attribute: false }) api!: ApiClient;
  @property() token = '';
  @state() private _invite: { email: string; role: Role } | null = null;
  @state() private _invalid = false;
  @state() private _error = '';
  private readonly _form = new NewPasswordSubmit(
    this,
    async (f, password) => {
      const accepted = await accountLinks.acceptInvite(this.api, { token: this.token, name: String(f.get('name')), password });
      return keepFormLanguage(this.api, accepted);
    },
    (err) => {
      if (!(err instanceof ApiError && err.code === 'invalid_invite')) return submitError(err);
      this._invalid = true;
      return '';
    },
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void this._lookup();
  }

  private async _lookup() {
    try {
      this._invite = await accountLinks.lookupInvite(this.api, this.token);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) this._invalid = true;
      else this._error = t('error.network');
    }
  }

  private _body() {
    if (this._invalid || !this.token) return html`<div class="alert" role="alert">${t('invite.invalid')}</div>`;
    if (!this._invite) {
      return this._error ? html`<div class="alert" role="alert">${this._error}</div>` : html`<p class="sub" aria-busy="true">${t('invite.checking')}</p>`;
    }
    return html`<p class="sub">${t('invite.subtitle', { role: t(`role.${this._invite.role}`), email: this._invite.email })}</p>
      <form @submit=${this._form.submit}>
        ${this._form.alert()}
        <div>
          <label class="lbl" for="email">${t('login.email')}</label>
          <input class="field" id="email" type="email" autocomplete="username" readonly .value=${this._invite.email} />
        </div>
        <div>
          <label class="lbl" for="name">${t('setup.name')}</label>
          <input class="field" id="name" name="name" required autocomplete="name" />
        </div>
        ${newPasswordFields({ labelKey: 'login.password', hint: true })}
        <button class="btn primary" type="submit" ?disabled=${this._form.busy}>${t('invite.submit')}</button>
      </form>`;
  }

  override render() {
    return html`<div class="panel">
      <div class="brand"><span class="logo">K</span>Kefu</div>
      <h1>${t('invite.title')}</h1>
      ${this._body()}
      <div class="foot"><kf-language-select></kf-language-select></div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-accept-invite': KfAcceptInvite;
  }
}
