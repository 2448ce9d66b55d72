import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { storeContext, type AppStore } from '../data/store.js';
import { utf8Bytes, windowLeft } from '../data/wechat.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';

interface WindowInfo {
  window: { expiresAt: string; remaining: number; openedBy: string; open: boolean } | null;
  held: number;
  limits: { textBytes: number; attachmentTypes: string[]; attachmentBytes: number };
}

/**
 * The composer's WeChat strip: the time and messages left in the window WeChat allows after the
 * customer's last message, replies held until they write, and what a WeChat reply may carry.
 */
@customElement('kf-wechat-window')
export class KfWechatWindow extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .strip { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; padding: 6px 12px; border-bottom: 1px solid var(--kf-border); font-size: var(--kf-text-xs); color: var(--kf-text-muted); }
      .win { display: inline-flex; align-items: center; gap: 6px; font-weight: 500; }
      .win.open { color: var(--kf-success); }
      .win.closed { color: var(--kf-warning); }
      .held { padding: 1px 6px; border-radius: 999px; background: var(--kf-warning-soft); color: var(--kf-warning); font-weight: 600; }
      .bytes.over { color: var(--kf-danger); font-weight: 600; }
      .grow { flex: 1; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) ticketId = 0;
  /** Changes when a message arrives: a customer message opens a new window. */
  @property({ type: Number }) lastMessageId: number | null = null;
  /** Changes when a reply's delivery does: a reply that left took a place in the window. */
  @property() deliveryKey = '';
  @property() text = '';
  @state() private _info: WindowInfo | null = null;
  @state() private _now = Date.now();
  private _timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // The countdown moves without a reload; a minute is its finest unit past the last minute.
    this._timer = setInterval(() => (this._now = Date.now()), 15_000);
  }

  override disconnectedCallback(): void {
    clearInterval(this._timer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('ticketId') || changed.has('lastMessageId') || changed.has('deliveryKey')) && this.ticketId) void this._load();
  }

  private async _load() {
    const id = this.ticketId;
    try {
      const info = await this._store.api.get<WindowInfo>('/channels/wechat/window', { ticketId: id });
      if (id === this.ticketId) {
        this._info = info;
        this._now = Date.now();
      }
    } catch {
      this._info = null;
    }
  }

  /** Bytes over WeChat's text limit: the composer refuses to send then. */
  get tooLong(): boolean {
    return this._info !== null && utf8Bytes(this.text) > this._info.limits.textBytes;
  }

  override render() {
    const info = this._info;
    if (!info) return '';
    const w = info.window;
    const left = w ? new Date(w.expiresAt).getTime() - this._now : 0;
    const open = w !== null && w.open && left > 0;
    const max = w?.openedBy === 'event' ? 3 : 5;
    const status = open
      ? html`<span class="win open" data-window="open">${icon('clock', 12)}${t(w?.openedBy === 'event' ? 'wechat.windowEvent' : 'wechat.windowOpen', { time: windowLeft(left), n: w?.remaining ?? 0, max })}</span>`
      : html`<span class="win closed" data-window="closed">${icon('alert', 12)}${w ? t('wechat.windowClosed') : t('wechat.windowNone')}</span>`;
    const bytes = utf8Bytes(this.text);
    return html`<div class="strip" role="status">
      ${status}
      ${info.held > 0 ? html`<span class="held" title=${t('delivery.heldHint')}>${t('wechat.held', { n: info.held })}</span>` : ''}
      <span class="grow"></span>
      <span>${t('wechat.limits', { bytes: info.limits.textBytes, mb: Math.round(info.limits.attachmentBytes / 1048576) })}</span>
      ${bytes > 0 ? html`<span class="bytes ${bytes > info.limits.textBytes ? 'over' : ''}">${bytes > info.limits.textBytes ? `${t('wechat.tooLong')} · ` : ''}${t('wechat.bytes', { n: bytes, max: info.limits.textBytes })}</span>` : ''}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-wechat-window': KfWechatWindow;
  }
}
