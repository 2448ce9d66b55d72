import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import { reportSettings, type DigestSettings } from '../../data/report-settings.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';

/** Settings → Reports: whether, when and on which clock the weekly digest is mailed. */
@customElement('kf-admin-reports')
export class KfAdminReports extends LitElement {
  static override styles = [
    base,
    page,
    css`
      form { display: grid; gap: 16px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px 16px; }
      .field { width: 100%; }
      .mono { font-family: var(--kf-font-mono, ui-monospace, monospace); }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 4px; }
      .check { display: inline-flex; align-items: center; gap: 8px; font-weight: 600; }
      .actions { display: flex; justify-content: flex-end; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _settings: DigestSettings | null = null;
  @state() private _saving = false;

  override connectedCallback() {
    super.connectedCallback();
    reportSettings.get(this._store.api).then((s) => (this._settings = s), toastError);
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const patch: DigestSettings = {
      enabled: f.get('enabled') !== null,
      schedule: String(f.get('schedule') ?? '').trim(),
      timezone: String(f.get('timezone') ?? '').trim(),
    };
    this._saving = true;
    try {
      this._settings = await reportSettings.update(this._store.api, patch);
      toast(t('digest.saved'));
    } catch (err) {
      toastError(err);
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const s = this._settings;
    return html`<div class="page-head"><h1>${t('admin.reports')}</h1></div>
      <div class="page-body"><div class="narrow">
        <div class="panel">
          <h2>${t('digest.title')}</h2>
          <p class="desc">${t('digest.intro')}</p>
          <div class="body">${s ? this._form(s) : html`<div class="empty">${t('app.loading')}</div>`}</div>
        </div>
      </div></div>`;
  }

  private _form(s: DigestSettings) {
    return html`<form @submit=${this._submit}>
      <label class="check"><input type="checkbox" name="enabled" .checked=${s.enabled} />${t('digest.enabled')}</label>
      <div class="grid">
        <div><label class="lbl" for="digest-schedule">${t('digest.schedule')}</label>
          <input class="field mono" id="digest-schedule" name="schedule" required maxlength="100" spellcheck="false" .value=${s.schedule} />
          <div class="hint">${t('digest.scheduleHint')}</div></div>
        <div><label class="lbl" for="digest-timezone">${t('digest.timezone')}</label>
          <input class="field" id="digest-timezone" name="timezone" required maxlength="64" spellcheck="false" .value=${s.timezone} />
          <div class="hint">${t('digest.timezoneHint')}</div></div>
      </div>
      <div class="actions"><button class="btn primary" ?disabled=${this._saving}>${t('action.save')}</button></div>
    </form>`;
  }
}
