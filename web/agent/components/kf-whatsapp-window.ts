import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { t } from '../../shared/i18n/i18n.js';
import { formatDateTime, formatShortDateTime } from '../../shared/format.js';
import type { WhatsAppTemplate, WhatsAppWindow } from '../../shared/types.js';
import type { ApiClient } from '../../shared/api.js';
import { tickets as ticketApi } from '../data/api-calls.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';

const HOUR = 3600_000;

function timeLeft(ms: number): string {
  return ms >= HOUR ? t('age.hours', { n: Math.floor(ms / HOUR) }) : t('age.minutes', { n: Math.max(1, Math.floor(ms / 60_000)) });
}

/**
 * WhatsApp's 24-hour customer service window above the composer: until when free text may go
 * out, and once it has closed, the approved templates the agent can send instead.
 */
@customElement('kf-whatsapp-window')
export class KfWhatsAppWindow extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .bar { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; padding: 6px 12px; font-size: var(--kf-text-sm); border-bottom: 1px solid var(--kf-border); color: var(--kf-text-muted); }
      .bar svg { flex: none; }
      .bar.closed { background: var(--kf-warning-soft); color: var(--kf-warning); border-radius: var(--kf-radius-lg) var(--kf-radius-lg) 0 0; }
      .msg { flex: 1 1 260px; min-width: 0; }
      .pick { display: flex; gap: 6px; align-items: center; flex: 1 1 260px; min-width: 0; max-width: 100%; }
      .pick .btn { flex: none; }
      select { flex: 1; min-width: 0; height: 28px; border: 1px solid var(--kf-border-strong); border-radius: var(--kf-radius); background: var(--kf-bg); color: var(--kf-text); padding: 0 6px; }
      /* Safari on iPhone zooms the page into a field under 16 px. */
      @media (max-width: 700px) { select { font-size: 16px; height: 32px; } }
    `,
  ];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) ticketId = 0;
  @property({ type: Boolean }) busy = false;
  @state() private _window: WhatsAppWindow | null = null;
  @state() private _choice = '';
  private _timer: ReturnType<typeof setInterval> | undefined;

  /** The window is open: free text may be sent. True until known, so the composer never blocks on a slow load. */
  get open(): boolean {
    return this._window?.open ?? true;
  }

  async refresh(): Promise<void> {
    const id = this.ticketId;
    try {
      const w = await ticketApi.whatsappWindow(this.api, id);
      if (id === this.ticketId) this._window = w;
    } catch {
      this._window = null;
    }
    this.dispatchEvent(new CustomEvent('window-change'));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The countdown and the moment the window closes need no server round trip, only a redraw.
    this._timer = setInterval(() => {
      const w = this._window;
      if (w?.open && w.expiresAt && Date.parse(w.expiresAt) <= Date.now()) this._window = { ...w, open: false, expiresAt: null };
      else this.requestUpdate();
    }, 60_000);
  }

  override disconnectedCallback(): void {
    clearInterval(this._timer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticketId') && this.ticketId) {
      this._window = null;
      this._choice = '';
      void this.refresh();
    }
  }

  private _send() {
    const tpl = this._window?.templates.find((x) => `${x.name}|${x.language}` === this._choice);
    if (tpl) this.dispatchEvent(new CustomEvent<WhatsAppTemplate>('send-template', { detail: tpl }));
  }

  override render() {
    const w = this._window;
    if (!w) return '';
    if (w.open && w.expiresAt) {
      const left = Date.parse(w.expiresAt) - Date.now();
      return html`<div class="bar open" data-window="open" role="status">${icon('whatsapp', 14)}<span class="msg" title=${formatDateTime(w.expiresAt)}>${t('whatsapp.windowOpen', { time: formatShortDateTime(Date.parse(w.expiresAt)), left: timeLeft(left) })}</span></div>`;
    }
    const reason = w.lastInboundAt ? t('whatsapp.windowClosed') : t('whatsapp.windowNever');
    return html`<div class="bar closed" data-window="closed" role="status">
      ${icon('clock', 14)}<span class="msg">${reason}</span>
      ${w.templates.length === 0
        ? html`<span class="msg">${t('whatsapp.noTemplates')}</span>`
        : html`<span class="pick">
            <select aria-label=${t('whatsapp.pickTemplate')} .value=${this._choice} @change=${(e: Event) => (this._choice = (e.target as HTMLSelectElement).value)}>
              <option value="">${t('whatsapp.pickTemplate')}</option>
              ${w.templates.map((x) => html`<option value=${`${x.name}|${x.language}`}>${x.name} (${x.language})</option>`)}
            </select>
            <button class="btn sm primary" data-action="send-template" ?disabled=${!this._choice || this.busy} @click=${() => this._send()}>${icon('send', 13)}${t('whatsapp.sendTemplate')}</button>
          </span>`}
    </div>`;
  }
}
