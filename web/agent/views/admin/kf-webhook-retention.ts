import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { webhooks, type WebhookSettings } from '../../data/webhooks.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';

/** Settings → Webhooks: how long the delivery log keeps finished deliveries. */
@customElement('kf-webhook-retention')
export class KfWebhookRetention extends LitElement {
  static override styles = [
    base,
    page,
    css`
      :host { display: block; }
      form { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; }
      .days { display: inline-flex; align-items: center; gap: 8px; }
      .days input { width: 96px; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 8px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _settings: WebhookSettings | null = null;
  @state() private _saving = false;

  override connectedCallback() {
    super.connectedCallback();
    webhooks.settings(this._store.api).then((s) => (this._settings = s), toastError);
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const days = Number(new FormData(e.target as HTMLFormElement).get('retention'));
    this._saving = true;
    try {
      this._settings = await webhooks.updateSettings(this._store.api, { deliveryRetentionDays: days });
      toast(t('webhooks.retentionSaved'));
    } catch (err) {
      toastError(err);
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const s = this._settings;
    return html`<div class="panel">
      <h2>${t('webhooks.retentionTitle')}</h2>
      <div class="body">
        ${s
          ? html`<form @submit=${this._submit}>
              <div><label class="lbl" for="wh-retention">${t('webhooks.retention')}</label>
                <span class="days"><input class="field" id="wh-retention" name="retention" type="number" min="1" max="3650" step="1" required .value=${String(s.deliveryRetentionDays)} />${t('webhooks.retentionDays')}</span></div>
              <button class="btn primary" ?disabled=${this._saving}>${t('action.save')}</button>
            </form>
            <div class="hint">${t('webhooks.retentionHint')}</div>`
          : html`<div class="empty">${t('app.loading')}</div>`}
      </div>
    </div>`;
  }
}
