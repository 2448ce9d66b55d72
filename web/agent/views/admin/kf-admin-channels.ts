import { LitElement, html, css } from 'lit';
import { customElement } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { t } from '../../../shared/i18n/i18n.js';
import { formatDateTime } from '../../../shared/format.js';
import type { ChannelInfo } from '../../../shared/types.js';
import { directory } from '../../data/api-calls.js';
import { kindLabel } from '../../data/kind-label.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { channelIcon, icon } from '../../icons.js';
import { base } from '../../styles.js';
import { errorMessage, toast } from '../../toast.js';
import { page } from '../page-styles.js';
import './kf-bot-settings.js';

/** Channels come from config.yaml; this page shows them and their live state, read-only. */
@customElement('kf-admin-channels')
export class KfAdminChannels extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .ch { display: grid; gap: 10px; }
      .ch h2 .kind { color: var(--kf-text-faint); font-weight: 500; font-size: var(--kf-text-sm); }
      .state { display: inline-flex; align-items: center; gap: 6px; font-size: var(--kf-text-sm); font-weight: 500; }
      .state.ok { color: var(--kf-success); }
      .state.bad { color: var(--kf-danger); }
      .state.none { color: var(--kf-text-faint); }
      dl { display: grid; grid-template-columns: 140px 1fr; gap: 6px 12px; margin: 0; font-size: var(--kf-text-sm); }
      dt { color: var(--kf-text-faint); }
      dd { margin: 0; word-break: break-word; }
      pre { margin: 0; padding: 12px; border-radius: var(--kf-radius); background: var(--kf-bg-sunken); font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); white-space: pre-wrap; word-break: break-all; }
      .snip { display: grid; gap: 6px; }
      dl + .snip { margin-top: 12px; }
      .snip .top { display: flex; align-items: center; justify-content: space-between; }
      .hint { margin: 0 0 10px; font-size: var(--kf-text-sm); }
      .copy-row { display: flex; align-items: center; gap: 8px; min-width: 0; }
      .copy-row code { flex: 1; min-width: 0; padding: 4px 8px; border-radius: var(--kf-radius); background: var(--kf-bg-sunken); font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); word-break: break-all; }
      /* On a phone a 140px label column would leave a URL a third of the width; labels go above. */
      @media (max-width: 700px) { dl { grid-template-columns: 1fr; gap: 2px 0; } dd { margin-bottom: 8px; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _task = new Task(this, { task: async () => (await directory.channels(this._store.api)).items, args: () => [] });

  private _copyRow(label: string, value: string, what: string) {
    return html`<dt>${label}</dt><dd class="copy-row"><code data-copy=${what}>${value}</code>
      <button class="btn sm" aria-label=${`${t('action.copy')} ${label}`} @click=${() => void navigator.clipboard.writeText(value).then(() => toast(t('action.copied')))}>${icon('copy', 12)}${t('action.copy')}</button></dd>`;
  }

  /** A WeChat channel: what to paste into the WeChat (or WeCom) console, and whether a token could be fetched. */
  private _wechat(c: ChannelInfo) {
    const kf = c.wechatKind === 'wecom_kf';
    const ok = c.state?.connected ?? false;
    return html`<div class="panel ch wechat" data-channel=${c.name}>
      <h2>${icon('wechat', 16)}<span>${c.name}</span><span class="kind">${kindLabel(c.kind)} · ${kf ? t('channels.wechatKf') : t('channels.wechatOfficialAccount')}</span><span class="grow"></span>
        <span class="state ${ok ? 'ok' : 'bad'}"><span class="dot" style="background:currentColor"></span>${ok ? t('channels.tokenOk') : t('channels.tokenMissing')}</span></h2>
      <div class="body">
        <p class="muted hint">${kf ? t('channels.wechatKfHint') : t('channels.wechatHint')}</p>
        <dl>
          ${this._copyRow(t('channels.serverUrl'), c.serverUrl ?? '', 'server-url')}
          ${this._copyRow(t('channels.token'), c.token ?? '', 'token')}
          <dt>${t('channels.mode')}</dt><dd>${c.encrypted ? t('channels.modeSafe') : t('channels.modePlain')}</dd>
          ${c.state?.lastSyncAt ? html`<dt>${t('channels.lastSync')}</dt><dd>${formatDateTime(c.state.lastSyncAt)}</dd>` : ''}
        </dl>
      </div>
    </div>`;
  }

  override render() {
    return html`<div class="page-head"><h1>${t('admin.channels')}</h1></div>
      <div class="page-body"><div class="narrow">
        <p class="muted" style="margin-top:0">${t('channels.readOnly')}</p>
        ${this._task.render({
          pending: () => html`<div class="empty">${t('app.loading')}</div>`,
          error: (err) => html`<div class="empty" role="alert">${errorMessage(err)}</div>`,
          complete: (items) => items.length === 0 ? html`<div class="panel"><div class="empty">${t('channels.empty')}</div></div>` : items.map((c) => {
            if (c.kind === 'wechat') return this._wechat(c);
            const s = c.state;
            const st = !s ? html`<span class="state none">${t('channels.noState')}</span>`
              : s.connected ? html`<span class="state ok"><span class="dot" style="background:currentColor"></span>${t('channels.connected')}</span>`
              : html`<span class="state bad"><span class="dot" style="background:currentColor"></span>${t('channels.disconnected')}</span>`;
            return html`<div class="panel ch" data-channel=${c.name}>
              <h2>${icon(channelIcon(c.kind), 16)}<span>${c.name}</span><span class="kind">${kindLabel(c.kind)}</span><span class="grow"></span>${st}</h2>
              <div class="body">
                ${c.address || s || c.webhookUrl
                  ? html`<dl>
                      ${c.address ? html`<dt>${t(c.kind === 'api' ? 'channels.callbackUrl' : 'channels.address')}</dt><dd>${c.address}</dd>` : ''}
                      ${c.webhookUrl ? this._copyRow(t(c.kind === 'api' ? 'channels.apiInboundUrl' : 'channels.webhookUrl'), c.webhookUrl, 'webhook-url') : ''}
                      ${s ? html`<dt>${t('channels.lastSync')}</dt><dd>${s.lastSyncAt ? formatDateTime(s.lastSyncAt) : '—'}</dd>` : ''}
                      ${s?.lastError ? html`<dt>${t('channels.lastError')}</dt><dd class="error-text">${s.lastError}</dd>` : ''}
                    </dl>`
                  : ''}
                ${c.embedSnippet ? html`<div class="snip"><div class="top"><span class="lbl" style="margin:0">${t('channels.embed')}</span>
                  <button class="btn sm" @click=${() => void navigator.clipboard.writeText(c.embedSnippet ?? '').then(() => toast(t('action.copied')))}>${icon('copy', 12)}${t('action.copy')}</button></div>
                  <pre>${c.embedSnippet}</pre></div>` : ''}
                ${c.kind === 'widget' ? html`<kf-bot-settings channel=${c.name}></kf-bot-settings>` : ''}
              </div>
            </div>`;
          }),
        })}
      </div></div>`;
  }
}
