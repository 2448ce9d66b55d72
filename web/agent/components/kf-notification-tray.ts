import { LitElement, html, css, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { formatAge, formatDateTime } from '../../shared/format.js';
import { t } from '../../shared/i18n/i18n.js';
import type { AgentNotification } from '../../shared/types.js';
import { onEscape } from '../data/escape-stack.js';
import { notificationFeed, type NotificationFeed } from '../data/notification-feed.js';
import { formatRoute } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon, type IconName } from '../icons.js';
import { base } from '../styles.js';

const KIND_ICON: Record<AgentNotification['kind'], IconName> = { 'sla.warning': 'alert', 'sla.breach': 'alert', reminder: 'bell', 'snooze.woke': 'clock' };

function titleOf(n: AgentNotification): string {
  const number = n.ticketNumber ?? n.ticketId ?? '';
  switch (n.kind) {
    case 'sla.breach':
      return t('notify.slaBreach', { n: number });
    case 'sla.warning':
      return t('notify.slaWarning', { n: number });
    case 'reminder':
      return t('notify.reminder', { n: number });
    case 'snooze.woke':
      return t('notify.snoozeWoke', { n: number });
  }
}

function bodyOf(n: AgentNotification): string {
  if (n.kind === 'reminder') return n.note ? `${n.note} · ${n.subject}` : n.subject;
  if (n.kind === 'snooze.woke') return n.subject;
  const target = n.target === 'first_response' || n.target === 'next_response' || n.target === 'resolution' ? t(`sla.target.${n.target}`) : n.target;
  return `${target} · ${n.subject}`;
}

/**
 * The bell with the unread count, and the tray it opens: SLA warnings and breaches, reminders and
 * snoozed tickets coming back, each a link to its ticket. `bar` is the phone's bottom-bar version.
 * The panel lives in the top layer (a popover), so the rail's containment does not clip it.
 */
@customElement('kf-notification-tray')
export class KfNotificationTray extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: inline-flex; position: relative; }
      .bell { position: relative; display: grid; place-items: center; width: 32px; height: 32px; border: 0; border-radius: var(--kf-radius); background: transparent; color: var(--kf-text-muted); cursor: pointer; }
      .bell:hover, .bell[aria-expanded='true'] { background: var(--kf-bg-hover); color: var(--kf-text); }
      .bell:focus-visible, a.note:focus-visible, .link:focus-visible { outline: 2px solid var(--kf-accent); outline-offset: 1px; }
      .badge { position: absolute; top: 1px; right: 0; min-width: 16px; height: 16px; padding: 0 4px; border-radius: 999px; background: var(--kf-danger); color: #fff; font-size: 10px; font-weight: 700; line-height: 16px; text-align: center; font-variant-numeric: tabular-nums; box-shadow: 0 0 0 2px var(--kf-bg-subtle); }
      :host([placement='bar']) { flex: 1 1 0; min-width: 0; }
      :host([placement='bar']) .bell { width: 100%; height: 56px; border-radius: 0; flex-direction: column; display: flex; align-items: center; justify-content: center; gap: 2px; font-size: var(--kf-text-xs); font-weight: 500; padding: 4px 2px; }
      :host([placement='bar']) .bell[aria-expanded='true'] { background: transparent; color: var(--kf-accent); }
      :host([placement='bar']) .badge { top: 4px; right: calc(50% - 20px); }
      .bar-label { max-width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      [popover] { position: fixed; inset: auto; margin: 0; padding: 0; width: min(380px, calc(100vw - 16px)); max-height: min(560px, calc(100dvh - 96px)); display: none; flex-direction: column; border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg-elevated); color: var(--kf-text); box-shadow: var(--kf-shadow-lg); overflow: hidden; }
      [popover]:popover-open { display: flex; }
      .head { display: flex; align-items: center; gap: 8px; padding: 10px 12px; border-bottom: 1px solid var(--kf-border); }
      .head h2 { flex: 1; margin: 0; font-size: var(--kf-text-md, 14px); font-weight: 650; }
      .link { border: 0; background: transparent; color: var(--kf-accent); cursor: pointer; font-size: var(--kf-text-sm); padding: 4px 6px; border-radius: var(--kf-radius); }
      .link:disabled { color: var(--kf-text-faint); cursor: default; }
      ul { list-style: none; margin: 0; padding: 4px; overflow-y: auto; flex: 1; min-height: 0; }
      a.note { display: grid; grid-template-columns: 20px 1fr auto; gap: 2px 10px; align-items: start; padding: 9px 10px; border-radius: var(--kf-radius); color: var(--kf-text-muted); text-decoration: none; }
      a.note:hover { background: var(--kf-bg-hover); }
      a.note .ic { grid-row: span 2; padding-top: 1px; }
      a.note[data-kind='sla.breach'] .ic { color: var(--kf-danger); }
      a.note[data-kind='sla.warning'] .ic { color: var(--kf-warning); }
      a.note .title { color: var(--kf-text); min-width: 0; }
      a.note.unread .title { font-weight: 650; }
      a.note .age { font-size: var(--kf-text-xs); color: var(--kf-text-faint); white-space: nowrap; display: flex; align-items: center; gap: 6px; }
      a.note .dot { width: 8px; height: 8px; border-radius: 50%; background: var(--kf-accent); }
      a.note .body { grid-column: 2 / 4; font-size: var(--kf-text-sm); min-width: 0; }
      .empty { padding: 28px 20px; text-align: center; color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .foot { padding: 6px; border-top: 1px solid var(--kf-border); text-align: center; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  /** rail: the sidebar's header; bar: a tab of the phone's bottom bar */
  @property({ reflect: true }) placement: 'rail' | 'bar' = 'rail';
  /** the inbox view a ticket opens in */
  @property() view = 'all';
  @state() private _open = false;
  @query('[popover]') private _panel?: HTMLElement;
  @query('.bell') private _bell?: HTMLButtonElement;
  private _feed?: NotificationFeed;
  private _offEscape?: () => void;
  private readonly _onChange = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    this._attach();
  }

  override disconnectedCallback(): void {
    this._feed?.removeEventListener('change', this._onChange);
    this._offEscape?.();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('_store' as keyof KfNotificationTray)) this._attach();
  }

  private _attach() {
    if (!this._store || this._feed === notificationFeed(this._store)) return;
    this._feed?.removeEventListener('change', this._onChange);
    this._feed = notificationFeed(this._store);
    this._feed.addEventListener('change', this._onChange);
    void this._feed.load().catch(() => undefined);
  }

  private _place() {
    const panel = this._panel;
    const bell = this._bell?.getBoundingClientRect();
    if (!panel || !bell) return;
    const width = Math.min(380, window.innerWidth - 16);
    if (this.placement === 'bar') {
      panel.style.left = '8px';
      panel.style.right = '8px';
      panel.style.width = 'auto';
      panel.style.bottom = `${window.innerHeight - bell.top + 6}px`;
      panel.style.top = 'auto';
    } else {
      panel.style.left = `${Math.max(8, Math.min(bell.left, window.innerWidth - width - 8))}px`;
      panel.style.top = `${bell.bottom + 6}px`;
      panel.style.bottom = 'auto';
      panel.style.right = 'auto';
      panel.style.width = `${width}px`;
    }
  }

  private _toggle() {
    if (this._open) this._panel?.hidePopover();
    else {
      this._place();
      this._panel?.showPopover();
    }
  }

  /** Opened or closed by the bell, a click outside or Esc: the state follows the popover. */
  private async _toggled(e: ToggleEvent) {
    this._open = e.newState === 'open';
    this._offEscape?.();
    this._offEscape = undefined;
    if (!this._open) return;
    // While open, the page's shortcuts (Esc closes the ticket) stay quiet; Esc closes the tray first.
    this._offEscape = onEscape(() => this._panel?.hidePopover());
    void this._feed?.reload().catch(() => undefined);
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>('a.note') ?? this.renderRoot.querySelector<HTMLElement>('.head .link'))?.focus();
  }

  private _picked(n: AgentNotification) {
    if (!n.readAt) void this._feed?.markRead([n.id]).catch(() => undefined);
    this._panel?.hidePopover();
  }

  /** Up and down move between notifications, as in a menu. */
  private _keys(e: KeyboardEvent) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const links = [...this.renderRoot.querySelectorAll<HTMLElement>('a.note')];
    const at = links.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    const next = links[e.key === 'ArrowDown' ? Math.min(links.length - 1, at + 1) : Math.max(0, at - 1)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  }

  private _item(n: AgentNotification) {
    const href = n.ticketId === null ? '#' : formatRoute({ name: 'inbox', view: this.view, ticketId: n.ticketId });
    return html`<li>
      <a class="note ${n.readAt ? '' : 'unread'}" data-kind=${n.kind} data-notification-id=${n.id} href=${href} title=${formatDateTime(n.createdAt)} @click=${() => this._picked(n)}>
        <span class="ic">${icon(KIND_ICON[n.kind], 16)}</span>
        <span class="title ellipsis">${titleOf(n)}</span>
        <span class="age">${formatAge(n.createdAt)}${n.readAt ? nothing : html`<span class="dot" role="img" aria-label=${t('tray.unread')}></span>`}</span>
        <span class="body ellipsis">${bodyOf(n)}</span>
      </a>
    </li>`;
  }

  override render() {
    const feed = this._feed;
    const unread = feed?.unread ?? 0;
    const items = feed?.items ?? [];
    const label = unread > 0 ? t('tray.openUnread', { n: unread }) : t('tray.title');
    return html`
      <button class="bell" aria-label=${label} title=${label} aria-haspopup="dialog" aria-expanded=${this._open} aria-controls="tray" @click=${() => this._toggle()}>
        ${icon('bell', this.placement === 'bar' ? 20 : 18)}
        ${unread > 0 ? html`<span class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : nothing}
        ${this.placement === 'bar' ? html`<span class="bar-label">${t('tray.short')}</span>` : nothing}
      </button>
      <div id="tray" popover="auto" role="dialog" aria-label=${t('tray.title')} @toggle=${(e: ToggleEvent) => void this._toggled(e)} @keydown=${(e: KeyboardEvent) => this._keys(e)}>
        <div class="head">
          <h2>${t('tray.title')}</h2>
          <button class="link" ?disabled=${unread === 0} @click=${() => void feed?.markRead('all').catch(() => undefined)}>${t('tray.markAll')}</button>
        </div>
        ${items.length === 0
          ? html`<div class="empty">${feed?.loaded ? t('tray.empty') : t('app.loading')}</div>`
          : html`<ul>${items.map((n) => this._item(n))}</ul>`}
        ${feed?.nextCursor ? html`<div class="foot"><button class="link" @click=${() => void feed.more().catch(() => undefined)}>${t('tray.more')}</button></div>` : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-notification-tray': KfNotificationTray;
  }
}
