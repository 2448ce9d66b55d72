import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';

const dismissedKey = (agentId: number) => `kefu.notifyPrompt.dismissed.${agentId}`;

/**
 * Asks a new agent to let the browser show desktop notifications. Browsers grant that only from a click,
 * so notifications on by default would otherwise never be allowed. Gone once the browser has an answer,
 * or for good once the agent says not now.
 */
@customElement('kf-notify-prompt')
export class KfNotifyPrompt extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .bar { display: flex; align-items: center; gap: 10px; min-height: 40px; padding: 6px 16px; background: var(--kf-accent-soft); color: var(--kf-text); border-bottom: 1px solid var(--kf-border); font-size: var(--kf-text-sm); }
      .bar > svg { color: var(--kf-accent); }
      .text { flex: 1; min-width: 0; color: var(--kf-text-muted); }
      .actions { display: flex; gap: 6px; flex: none; }
      @media (max-width: 860px) { .bar { flex-wrap: wrap; } .text { flex-basis: calc(100% - 30px); } }
      /* Phone: one line, the buttons say enough; the explanation would take a sixth of the list's height. */
      @media (max-width: 700px) { .bar { flex-wrap: nowrap; padding: 6px 12px; } .text { display: none; } .actions { flex: 1; min-width: 0; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @state() private _dismissed = false;
  // Read once and then kept from events: Notification.permission asks the browser process
  // synchronously, ~5 ms a read, and this bar renders on every store change (each ticket opened).
  @state() private _permission: NotificationPermission = 'denied';
  private _status: PermissionStatus | null = null;
  private readonly _onPermission = () => {
    const state = this._status?.state;
    this._permission = state === 'prompt' ? 'default' : (state ?? this._permission);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this._dismissed = localStorage.getItem(dismissedKey(this._store.me.id)) !== null;
    this._permission = typeof Notification === 'undefined' ? 'denied' : Notification.permission;
    // Allowed from the profile page or the browser's own site settings: the prompt has nothing left to ask.
    void navigator.permissions
      ?.query({ name: 'notifications' })
      .then((status) => {
        this._status = status;
        status.addEventListener('change', this._onPermission);
      })
      .catch(() => undefined);
  }

  override disconnectedCallback(): void {
    this._status?.removeEventListener('change', this._onPermission);
    super.disconnectedCallback();
  }

  private async _enable() {
    // Granted or denied, the browser has its answer and the bar goes; a denial is undone in its site settings.
    this._permission = await Notification.requestPermission().catch(() => Notification.permission);
  }

  private _dismiss() {
    localStorage.setItem(dismissedKey(this._store.me.id), String(Date.now()));
    this._dismissed = true;
  }

  private get _visible(): boolean {
    return this._permission === 'default' && !this._dismissed && this._store.me.preferences.desktopNotifications !== false;
  }

  override render() {
    if (!this._visible) return '';
    return html`<div class="bar" role="region" aria-label=${t('notify.promptEnable')}>
      ${icon('bell', 16)}
      <span class="text">${t('notify.promptText')}</span>
      <span class="actions">
        <button class="btn sm primary" data-action="enable-notifications" @click=${() => void this._enable()}>${t('notify.promptEnable')}</button>
        <button class="btn sm ghost" data-action="dismiss-notifications" @click=${() => this._dismiss()}>${t('notify.promptDismiss')}</button>
      </span>
    </div>`;
  }
}
