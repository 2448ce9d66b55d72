import { html, nothing, type TemplateResult } from 'lit';
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
export function confirmedPassword(form: FormData): string | null {
  const password = String(form.get('password'));
  return password === String(form.get('confirm')) ? password : null;
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
