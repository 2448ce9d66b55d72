import { LitElement, html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import { formatDateTime } from '../../../shared/format.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { EVENT_LABELS, webhooks, type DeliveryStatus, type WebhookDelivery } from '../../data/webhooks.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';

const STATUS: Record<DeliveryStatus, MessageKey> = {
  pending: 'webhooks.status.pending',
  retrying: 'webhooks.status.retrying',
  delivered: 'webhooks.status.delivered',
  failed: 'webhooks.status.failed',
};

/** One webhook's delivery log: newest first, with the answer each got and a Redeliver button. */
@customElement('kf-webhook-deliveries')
export class KfWebhookDeliveries extends LitElement {
  static override styles = [
    base,
    page,
    css`
      :host { display: block; height: auto; overflow: visible; background: none; }
      .box { border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); }
      .head { display: flex; align-items: center; gap: 8px; padding: 8px 10px; border-bottom: 1px solid var(--kf-border); font-weight: 600; }
      .head .grow { flex: 1; }
      td { height: 40px; white-space: nowrap; }
      .status { display: inline-flex; align-items: center; gap: 6px; font-weight: 500; }
      .status.delivered .dot { background: var(--kf-success); }
      .status.failed .dot { background: var(--kf-danger); }
      .status.retrying .dot { background: var(--kf-warning); }
      .status.pending .dot { background: var(--kf-text-faint); }
      .err { display: block; max-width: 260px; overflow: hidden; text-overflow: ellipsis; color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      .empty { padding: 20px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) webhookId = 0;
  @state() private _items: WebhookDelivery[] = [];
  @state() private _loaded = false;
  @state() private _error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this._items = await webhooks.deliveries(this._store.api, this.webhookId);
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
    this._loaded = true;
  }

  private async _redeliver(d: WebhookDelivery) {
    try {
      await webhooks.redeliver(this._store.api, this.webhookId, d.id);
      toast(t('webhooks.redelivered'));
      await this.refresh();
    } catch (err) {
      toastError(err);
    }
  }

  private _row(d: WebhookDelivery) {
    const event = d.event in EVENT_LABELS ? t(EVENT_LABELS[d.event as keyof typeof EVENT_LABELS]) : d.event;
    const done = d.status === 'delivered' || d.status === 'failed';
    return html`<tr data-delivery=${d.id}>
      <td>${event}</td>
      <td><span class="status ${d.status}"><span class="dot"></span>${t(STATUS[d.status])}</span>${d.error ? html`<span class="err" title=${d.error}>${d.error}</span>` : nothing}</td>
      <td class="num">${d.responseCode ?? html`<span class="faint">${d.attempts > 0 ? t('webhooks.noAnswer') : '–'}</span>`}</td>
      <td class="num muted">${d.durationMs === null ? '–' : t('webhooks.ms', { n: d.durationMs })}</td>
      <td class="muted">${formatDateTime(d.updatedAt)}</td>
      <td class="num muted">${d.attempts}</td>
      <td><div class="row-actions">${done ? html`<button class="btn sm" @click=${() => void this._redeliver(d)}>${t('webhooks.redeliver')}</button>` : nothing}</div></td>
    </tr>`;
  }

  override render() {
    return html`<div class="box">
      <div class="head"><span class="grow">${t('webhooks.deliveries')}</span><button class="btn sm" @click=${() => void this.refresh()}>${icon('refresh', 12)}${t('webhooks.refresh')}</button></div>
      ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : nothing}
      ${this._items.length > 0
        ? html`<table>
            <thead><tr><th>${t('webhooks.col.event')}</th><th>${t('webhooks.col.status')}</th><th>${t('webhooks.col.response')}</th><th>${t('webhooks.col.duration')}</th><th>${t('webhooks.col.time')}</th><th>${t('webhooks.col.attempts')}</th><th></th></tr></thead>
            <tbody>${this._items.map((d) => this._row(d))}</tbody>
          </table>`
        : this._loaded && !this._error
          ? html`<div class="empty">${t('webhooks.noDeliveries')}</div>`
          : nothing}
    </div>`;
  }
}
