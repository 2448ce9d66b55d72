import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ApiError, type ApiClient } from '../../shared/api.js';
import { currentLanguage, t, type MessageKey } from '../../shared/i18n/i18n.js';
import type { Session } from '../../shared/types.js';
import { auth } from '../data/api-calls.js';

/** The password + confirmation pair shared by first-run setup, invitation and reset forms (styled by authStyles). */
export function newPasswordFields(opts: { labelKey: MessageKey; hint?: boolean }): TemplateResult {
  return html`<div>
      <label class="lbl" for="password">${t(opts.labelKey)}</label>
      <input class="field" id="password" name="password" type="password" minlength="8" required autocomplete="new-password" placeholder=${opts.hint ? t('account.passwordHint') : nothing} />
    </div>
    <div>
      <label class="lbl" for="confirm">${t('setup.confirm')}</label>
      <input class="field" id="confirm" name="confirm" type="password" minlength="8" required autocomplete="new-password" />
    </div>`;
}

/** The chosen password, or null when the confirmation differs (the browser cannot check that by itself). */
function confirmedPassword(form: FormData): string | null {
  const password = String(form.get('password'));
  return password === String(form.get('confirm')) ? password : null;
}

/**
 * The submit of a form that sets a new password: checks the confirmation, keeps `busy` while `send` runs,
 * then announces the session with a `signed-in` event from the host. `failed` turns an error into the
 * message to show ('' when the host shows it another way).
 */
export class NewPasswordSubmit implements ReactiveController {
  error = '';
  busy = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly send: (form: FormData, password: string) => Promise<Session>,
    private readonly failed: (err: unknown) => string,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  readonly submit = async (e: SubmitEvent): Promise<void> => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const password = confirmedPassword(form);
    if (password === null) {
      this._set(t('setup.mismatch'), false);
      return;
    }
    this._set('', true);
    try {
      const session = await this.send(form, password);
      this.host.dispatchEvent(new CustomEvent<Session>('signed-in', { detail: session, bubbles: true, composed: true }));
    } catch (err) {
      this.error = this.failed(err);
    } finally {
      this._set(this.error, false);
    }
  };

  /** The alert above the fields, when there is something to say. */
  alert(): TemplateResult | typeof nothing {
    return this.error ? html`<div class="alert" role="alert">${this.error}</div>` : nothing;
  }

  private _set(error: string, busy: boolean) {
    this.error = error;
    this.busy = busy;
    this.host.requestUpdate();
  }
}

/** A new account keeps the language its owner filled the form in, rather than the server default. */
export async function keepFormLanguage(api: ApiClient, session: Session): Promise<Session> {
  if (session.agent.language === currentLanguage()) return session;
  api.csrfToken = session.csrfToken;
  const { agent } = await auth.updateMe(api, { language: currentLanguage() });
  return { ...session, agent };
}

/** The server's own message when it answered, otherwise a network error. */
export function submitError(err: unknown, fallback = ''): string {
  return err instanceof ApiError && err.status !== 0 ? err.message || fallback : t('error.network');
}
