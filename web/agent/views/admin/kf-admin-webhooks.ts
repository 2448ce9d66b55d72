import { LitElement, html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../../shared/i18n/i18n.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { EVENT_LABELS, WEBHOOK_EVENTS, webhooks, type Webhook, type WebhookEvent } from '../../data/webhooks.js';
import { icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';
import type { KfWebhookDeliveries } from './kf-webhook-deliveries.js';
import './kf-webhook-deliveries.js';
import './kf-webhook-retention.js';

/** Settings → Webhooks (admins): subscriptions, their signing secret shown once, and each one's delivery log. */
@customElement('kf-admin-webhooks')
export class KfAdminWebhooks extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .narrow { max-width: 960px; }
      form.panel > .body { display: grid; gap: 12px; }
      .events { display: flex; flex-wrap: wrap; gap: 6px 16px; border: 0; padding: 0; margin: 0; }
      .events legend { padding: 0; margin-bottom: 6px; }
      .events label { display: inline-flex; align-items: center; gap: 6px; cursor: pointer; }
      .events code { font-family: var(--kf-font-mono); font-size: var(--kf-text-xs); color: var(--kf-text-faint); }
      .submit { display: flex; align-items: center; gap: 12px; }
      .secret { display: grid; gap: 8px; padding: 12px 14px; margin: 16px 0; border-radius: var(--kf-radius-lg); background: var(--kf-success-soft); border: 1px solid var(--kf-border); }
      .secret .row { display: flex; gap: 8px; align-items: center; }
      .secret code { flex: 1; font-family: var(--kf-font-mono); font-size: var(--kf-text-md); word-break: break-all; }
      .hooks { margin-top: 16px; }
      .hook { display: grid; gap: 8px; padding: 14px 16px; border-bottom: 1px solid var(--kf-border); }
      .hook:last-child { border-bottom: 0; }
      .hook .top { display: flex; align-items: center; gap: 10px; min-width: 0; }
      .hook .url { font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); font-weight: 600; flex: 1; min-width: 0; overflow-wrap: anywhere; }
      .hook .chips { display: flex; flex-wrap: wrap; gap: 4px; }
      .hook .chips .chip { max-width: none; }
      .state { display: inline-flex; align-items: center; gap: 6px; font-size: var(--kf-text-sm); font-weight: 500; white-space: nowrap; }
      .state.on .dot { background: var(--kf-success); }
      .state.off .dot { background: var(--kf-text-faint); }
      .reason { color: var(--kf-danger); font-size: var(--kf-text-sm); }
      .actions { display: flex; flex-wrap: wrap; gap: 6px; }
      .actions .danger { margin-left: auto; }
      kf-webhook-deliveries { display: block; margin-top: 4px; }
      kf-webhook-retention { margin-top: 16px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _items: Webhook[] = [];
  @state() private _secret: { url: string; secret: string } | null = null;
  @state() private _error = '';
  @state() private _formError = '';
  @state() private _open: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load() {
    try {
      this._items = await webhooks.list(this._store.api);
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _run(p: Promise<unknown>, done?: string) {
    try {
      await p;
      if (done) toast(done);
      await this._load();
    } catch (err) {
      toastError(err);
    }
  }

  private async _create(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const events = data.getAll('events').map(String) as WebhookEvent[];
    if (events.length === 0) {
      this._formError = t('webhooks.pickEvent');
      return;
    }
    this._formError = '';
    try {
      const created = await webhooks.create(this._store.api, { url: String(data.get('url')).trim(), events, description: String(data.get('description') ?? '').trim() });
      this._secret = { url: created.url, secret: created.secret ?? '' };
      form.reset();
      await this._load();
    } catch (err) {
      this._formError = errorMessage(err);
    }
  }

  private async _rotate(h: Webhook) {
    if (!confirm(t('webhooks.confirmRotate', { url: h.url }))) return;
    try {
      const rotated = await webhooks.rotateSecret(this._store.api, h.id);
      this._secret = { url: rotated.url, secret: rotated.secret ?? '' };
    } catch (err) {
      toastError(err);
    }
  }

  private _remove(h: Webhook) {
    if (!confirm(t('webhooks.confirmDelete', { url: h.url }))) return;
    if (this._open === h.id) this._open = null;
    void this._run(webhooks.remove(this._store.api, h.id));
  }

  private async _test(h: Webhook) {
    await this._run(webhooks.test(this._store.api, h.id), t('webhooks.testQueued'));
    if (this._open === h.id) await this.renderRoot.querySelector<KfWebhookDeliveries>('kf-webhook-deliveries')?.refresh();
    else this._open = h.id;
  }

  private _form() {
    return html`<form class="panel" @submit=${this._create} novalidate>
      <div class="body">
        <div><label class="lbl" for="wh-url">${t('webhooks.url')}</label><input class="field" id="wh-url" name="url" type="url" required placeholder="https://" /></div>
        <div><label class="lbl" for="wh-desc">${t('webhooks.description')}</label><input class="field" id="wh-desc" name="description" maxlength="500" /></div>
        <fieldset class="events"><legend class="lbl">${t('webhooks.events')}</legend>
          ${WEBHOOK_EVENTS.map((ev) => html`<label><input type="checkbox" name="events" value=${ev} ?checked=${ev === 'ticket.created' || ev === 'message.created'} />${t(EVENT_LABELS[ev])} <code>${ev}</code></label>`)}
        </fieldset>
        <div class="submit"><button class="btn primary">${icon('plus', 14)}${t('webhooks.create')}</button>${this._formError ? html`<span class="error-text" role="alert">${this._formError}</span>` : nothing}</div>
      </div>
    </form>`;
  }

  private _hook(h: Webhook) {
    const open = this._open === h.id;
    return html`<div class="hook" data-id=${h.id}>
      <div class="top">
        <span class="url">${h.url}</span>
        <span class="state ${h.enabled ? 'on' : 'off'}"><span class="dot"></span>${h.enabled ? t('webhooks.on') : t('webhooks.off')}</span>
      </div>
      ${h.description ? html`<div class="muted">${h.description}</div>` : nothing}
      <div class="chips">${h.events.map((ev) => html`<span class="chip">${t(EVENT_LABELS[ev])}</span>`)}</div>
      ${h.disabledReason ? html`<div class="reason" role="status">${t('webhooks.autoDisabled', { reason: h.disabledReason })}</div>` : nothing}
      <div class="actions">
        <button class="btn sm" aria-expanded=${open ? 'true' : 'false'} @click=${() => (this._open = open ? null : h.id)}>${icon('layers', 12)}${t('webhooks.deliveries')}</button>
        <button class="btn sm" @click=${() => void this._test(h)}>${icon('send', 12)}${t('webhooks.test')}</button>
        <button class="btn sm" @click=${() => void this._run(webhooks.update(this._store.api, h.id, { enabled: !h.enabled }))}>${h.enabled ? t('webhooks.turnOff') : t('webhooks.turnOn')}</button>
        <button class="btn sm" @click=${() => void this._rotate(h)}>${icon('refresh', 12)}${t('webhooks.rotate')}</button>
        <button class="btn sm danger" @click=${() => this._remove(h)}>${t('action.delete')}</button>
      </div>
      ${open ? html`<kf-webhook-deliveries .webhookId=${h.id}></kf-webhook-deliveries>` : nothing}
    </div>`;
  }

  override render() {
    if (this._store.me.role !== 'admin') return html`<div class="empty">${t('error.forbidden')}</div>`;
    return html`<div class="page-head"><h1>${t('admin.webhooks')}</h1></div>
      <div class="page-body"><div class="narrow">
        <p class="muted" style="margin-top:0">${t('webhooks.hint')}</p>
        ${this._form()}
        ${this._secret
          ? html`<div class="secret" role="status"><strong>${t('webhooks.copySecret')}</strong><span class="muted">${this._secret.url}</span>
              <div class="row"><code>${this._secret.secret}</code><button class="btn sm" @click=${() => void navigator.clipboard.writeText(this._secret?.secret ?? '').then(() => toast(t('action.copied')))}>${icon('copy', 12)}${t('action.copy')}</button></div></div>`
          : nothing}
        <div class="panel hooks">
          ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : nothing}
          ${this._items.map((h) => this._hook(h))}
          ${this._items.length === 0 && !this._error ? html`<div class="empty">${t('webhooks.empty')}</div>` : nothing}
        </div>
        <kf-webhook-retention></kf-webhook-retention>
      </div></div>`;
  }
}
