import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../shared/i18n/i18n.js';
import type { Presence } from '../../shared/types.js';
import { formatRoute, type Route } from '../data/routes.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { APP_TITLE, tabTitle } from '../data/tab-title.js';
import { countFor, parseView, viewKey, type ViewRef } from '../data/views.js';
import { channelIcon, icon, type IconName } from '../icons.js';
import { base, popover } from '../styles.js';
import { avatar } from './kf-avatar.js';
import './kf-notification-tray.js';

const MAIN_VIEWS: { kind: ViewRef['kind']; label: MessageKey; icon: IconName }[] = [
  { kind: 'mine', label: 'view.mine', icon: 'user' },
  { kind: 'unassigned', label: 'view.unassigned', icon: 'unassigned' },
  { kind: 'team', label: 'view.team', icon: 'users' },
  { kind: 'all', label: 'view.all', icon: 'layers' },
];
const STATE_VIEWS: { kind: ViewRef['kind']; label: MessageKey; icon: IconName }[] = [
  { kind: 'snoozed', label: 'view.snoozed', icon: 'clock' },
  { kind: 'resolved', label: 'view.resolved', icon: 'checkCircle' },
  { kind: 'breaching', label: 'view.breaching', icon: 'alert' },
];

@customElement('kf-sidebar')
export class KfSidebar extends LitElement {
  static override styles = [
    base,
    popover,
    css`
      :host { display: flex; flex-direction: column; width: 232px; height: 100vh; background: var(--kf-bg-subtle); border-right: 1px solid var(--kf-border); contain: size layout style; }
      header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 8px; }
      .logo { width: 24px; height: 24px; border-radius: 7px; background: var(--kf-accent); color: var(--kf-accent-text); display: grid; place-items: center; font-weight: 700; font-size: 13px; flex: none; }
      .brand { font-weight: 650; font-size: 14px; flex: 1; letter-spacing: -0.01em; }
      .search { display: flex; align-items: center; gap: 8px; margin: 4px 10px 8px; height: 30px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); color: var(--kf-text-faint); cursor: pointer; width: calc(100% - 20px); text-align: left; }
      .search span.grow { flex: 1; }
      nav { flex: 1; overflow-y: auto; padding: 0 8px 8px; }
      .group { margin-top: 14px; }
      .group .section-title { padding: 0 8px 4px; }
      a.item { display: flex; align-items: center; gap: 9px; height: 30px; padding: 0 8px; border-radius: var(--kf-radius); color: var(--kf-text-muted); text-decoration: none; font-weight: 500; }
      a.item:hover { background: var(--kf-bg-hover); color: var(--kf-text); }
      a.item[aria-current='page'] { background: var(--kf-bg-selected); color: var(--kf-text); }
      a.item .label { flex: 1; }
      a.item .count { font-size: var(--kf-text-sm); color: var(--kf-text-faint); font-variant-numeric: tabular-nums; }
      a.item[aria-current='page'] .count { color: var(--kf-accent); font-weight: 600; }
      a.item .queue { font-size: var(--kf-text-xs); padding: 1px 6px; border-radius: 999px; background: var(--kf-warning-soft); color: var(--kf-warning); white-space: nowrap; font-variant-numeric: tabular-nums; }
      footer { border-top: 1px solid var(--kf-border); padding: 8px; position: relative; }
      .me { display: flex; align-items: center; gap: 9px; width: 100%; padding: 6px 8px; border: 0; border-radius: var(--kf-radius); background: transparent; cursor: pointer; text-align: left; }
      .me:hover { background: var(--kf-bg-hover); }
      .me .who { flex: 1; min-width: 0; display: grid; }
      .me .name { font-weight: 600; }
      .me .status { font-size: var(--kf-text-xs); color: var(--kf-text-muted); display: flex; align-items: center; gap: 5px; }
      .av { position: relative; display: inline-flex; }
      /* Out on the avatar's corner: further in, it hides part of the initials. */
      .av .dot { position: absolute; right: -4px; bottom: -4px; width: 6px; height: 6px; border: 2px solid var(--kf-bg-subtle); box-sizing: content-box; }
      .online { background: var(--kf-success); }
      .away { background: var(--kf-warning); }
      .offline { background: var(--kf-text-faint); }
      .pop { bottom: calc(100% - 4px); left: 8px; right: 8px; }
      .pop hr { border: 0; border-top: 1px solid var(--kf-border); margin: 4px 0; }
      @media (max-width: 1100px) {
        :host { width: 56px; }
        .brand, .search .grow, .search .kbd, a.item .label, a.item .count, a.item .queue, .section-title, .me .who { display: none; }
        header { justify-content: center; flex-direction: column; gap: 6px; padding: 12px 0 8px; }
        .search { justify-content: center; margin: 4px 8px 8px; width: 40px; padding: 0; }
        a.item { justify-content: center; padding: 0; }
        .group { margin-top: 10px; border-top: 1px solid var(--kf-border); padding-top: 6px; }
        .pop { left: 8px; right: auto; width: 220px; }
        .me { justify-content: center; padding: 6px 0; }
      }
      .tabbar, .scrim { display: none; }
      /* A phone has room for one pane: the rail becomes a bar at the bottom, the views a sheet above it. */
      @media (max-width: 700px) {
        :host { width: 100%; height: auto; border-right: 0; border-top: 1px solid var(--kf-border); contain: none; position: relative; z-index: 40; padding-bottom: env(safe-area-inset-bottom); }
        header, .search, .me { display: none; }
        footer { display: contents; }
        .scrim { display: block; position: fixed; inset: 0; background: rgba(10, 10, 16, 0.32); }
        .tabbar { display: flex; position: relative; height: 56px; background: var(--kf-bg-subtle); }
        .tab { flex: 1 1 0; min-width: 0; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 2px; padding: 4px 2px; border: 0; background: transparent; color: var(--kf-text-muted); text-decoration: none; font-size: var(--kf-text-xs); font-weight: 500; cursor: pointer; -webkit-tap-highlight-color: transparent; }
        .tab > span.ellipsis { max-width: 100%; }
        .tab[aria-current='page'], .tab[aria-expanded='true'] { color: var(--kf-accent); }
        .tab .av .dot { border-color: var(--kf-bg-subtle); }
        nav { display: none; }
        :host([sheet]) nav { display: block; position: absolute; left: 0; right: 0; bottom: 100%; max-height: min(70dvh, calc(100dvh - 120px)); padding: 8px 8px 12px; background: var(--kf-bg-elevated); border-top: 1px solid var(--kf-border); border-radius: 14px 14px 0 0; box-shadow: var(--kf-shadow-lg); }
        a.item { height: 40px; justify-content: flex-start; padding: 0 10px; }
        a.item .label, a.item .count, a.item .queue { display: inline; }
        .section-title { display: block; }
        .group { margin-top: 10px; border-top: 1px solid var(--kf-border); padding-top: 8px; }
        /* Contacts and settings have tabs of their own in the bar. */
        nav > .group:last-child { display: none; }
        .pop { left: auto; right: 8px; bottom: calc(100% + 6px); width: 240px; max-width: calc(100vw - 16px); }
        .pop .item { height: 40px; }
        /* A phone has no keyboard to take shortcuts from. */
        .pop .keys { display: none; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @property({ attribute: false }) route!: Route;
  @state() private _menu = false;
  /** The views sheet of the phone layout. */
  @state() private _sheet = false;

  protected override willUpdate(changed: PropertyValues): void {
    // A view or page picked from the sheet or the menu closes them.
    if (changed.has('route')) {
      this._sheet = false;
      this._menu = false;
    }
    if (changed.has('_sheet')) this.toggleAttribute('sheet', this._sheet);
  }

  protected override updated(): void {
    document.title = tabTitle(this._store.counts?.unread ?? 0);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.title = APP_TITLE;
  }

  private _viewLink(v: ViewRef, label: string, ic: ReturnType<typeof icon>) {
    const key = viewKey(v);
    const current = this.route.name === 'inbox' && this.route.view === key;
    const count = countFor(v, this._store.counts);
    const queued = v.kind === 'team' ? this._store.myQueueLength : 0;
    return html`<a class="item" href=${formatRoute({ name: 'inbox', view: key, ticketId: null })} aria-current=${current ? 'page' : 'false'} title=${label}>
      ${ic}<span class="label ellipsis">${label}</span>${queued > 0 ? html`<span class="queue" title=${t('view.queueTitle', { n: queued })}>${t('view.queue', { n: queued })}</span>` : ''}${count !== null && count > 0 ? html`<span class="count">${count}</span>` : ''}
    </a>`;
  }

  /** A ticket opened from the tray opens in the inbox view on screen, else in "all". */
  private _inboxView(): string {
    return this.route.name === 'inbox' ? this.route.view : 'all';
  }

  private _link(href: string, label: string, ic: IconName, current: boolean) {
    return html`<a class="item" href=${href} aria-current=${current ? 'page' : 'false'} title=${label}>${icon(ic)}<span class="label">${label}</span></a>`;
  }

  private _setPresence(p: Presence) {
    this._store.setPresence(p);
    this._menu = false;
  }

  private _tab(href: string, label: string, ic: IconName, current: boolean, name: string) {
    return html`<a class="tab" data-tab=${name} href=${href} aria-current=${current ? 'page' : 'false'}>${icon(ic, 20)}<span class="ellipsis">${label}</span></a>`;
  }

  /** The phone's navigation bar; wider screens hide it and show the rail. */
  private _tabbar(presence: Presence) {
    const s = this._store;
    const r = this.route;
    return html`<div class="tabbar" role="navigation" aria-label=${t('nav.bar')}>
      <button class="tab" data-tab="views" aria-current=${r.name === 'inbox' ? 'page' : 'false'} aria-expanded=${this._sheet}
        @click=${() => { this._sheet = !this._sheet; this._menu = false; }}>${icon('inbox', 20)}<span class="ellipsis">${t('nav.inbox')}</span></button>
      <button class="tab" data-tab="search" @click=${() => { this._sheet = false; this.dispatchEvent(new Event('open-search')); }}>${icon('search', 20)}<span class="ellipsis">${t('search.button')}</span></button>
      <kf-notification-tray placement="bar" data-tab="notifications" .view=${this._inboxView()}></kf-notification-tray>
      ${this._tab('#/contacts', t('nav.contacts'), 'contacts', r.name === 'contacts', 'contacts')}
      ${this._tab('#/admin/' + (s.canManage ? 'agents' : 'tokens'), t('nav.settings'), 'settings', r.name === 'admin', 'settings')}
      <button class="tab" data-tab="me" aria-haspopup="menu" aria-expanded=${this._menu} @click=${() => { this._menu = !this._menu; this._sheet = false; }}>
        <span class="av">${avatar(s.me.name, s.me.avatarUrl, 24)}<span class="dot ${presence}"></span></span><span class="ellipsis">${t('nav.me')}</span></button>
    </div>`;
  }

  override render() {
    const s = this._store;
    const me = s.me;
    const presence = s.presence.get(me.id) ?? 'online';
    const channels = Object.keys(s.counts?.byChannel ?? {}).sort();
    const r = this.route;
    return html`
      ${this._sheet || this._menu ? html`<div class="scrim" @click=${() => { this._sheet = false; this._menu = false; }}></div>` : ''}
      <header><span class="logo">K</span><span class="brand">Kefu</span><kf-notification-tray placement="rail" .view=${this._inboxView()}></kf-notification-tray></header>
      <button class="search" @click=${() => this.dispatchEvent(new Event('open-search'))} title=${t('search.placeholder')}>
        ${icon('search', 14)}<span class="grow">${t('search.button')}</span><span class="kbd">/</span>
      </button>
      <nav aria-label=${t('nav.label')}>
        <div>${MAIN_VIEWS.map((v) => this._viewLink({ kind: v.kind }, t(v.label), icon(v.icon)))}</div>
        <div class="group">${STATE_VIEWS.map((v) => this._viewLink({ kind: v.kind }, t(v.label), icon(v.icon)))}</div>
        ${channels.length
          ? html`<div class="group"><div class="section-title">${t('nav.channels')}</div>
              ${channels.map((c) => this._viewLink({ kind: 'channel', value: c }, c, icon(channelIcon(s.channelKinds.get(c) ?? c))))}</div>`
          : ''}
        ${s.labels.length
          ? html`<div class="group"><div class="section-title">${t('nav.labels')}</div>
              ${s.labels.map((l) => this._viewLink({ kind: 'label', value: l.name }, l.name, html`<span class="dot" style="background:${/^#[0-9a-f]{3,8}$/i.test(l.color) ? l.color : 'var(--kf-text-faint)'};margin:0 4px"></span>`))}</div>`
          : ''}
        <div class="group">${this._link('#/kb', t('nav.kb'), 'file', r.name === 'kb')}</div>
        <div class="group">
          ${this._link('#/contacts', t('nav.contacts'), 'contacts', r.name === 'contacts')}
          ${s.canManage ? this._link('#/reports', t('nav.reports'), 'chart', r.name === 'reports') : ''}
          ${this._link('#/admin/' + (s.canManage ? 'agents' : 'tokens'), t('nav.settings'), 'settings', r.name === 'admin')}
        </div>
      </nav>
      <footer>
        ${this._menu
          ? html`<div class="pop" role="menu" @click=${(e: Event) => e.stopPropagation()}>
              <button class="item" role="menuitemradio" aria-checked=${presence === 'online'} @click=${() => this._setPresence('online')}><span class="dot online"></span>${t('presence.online')}${presence === 'online' ? html`<span style="margin-left:auto">${icon('check', 14)}</span>` : ''}</button>
              <button class="item" role="menuitemradio" aria-checked=${presence === 'away'} @click=${() => this._setPresence('away')}><span class="dot away"></span>${t('presence.away')}${presence === 'away' ? html`<span style="margin-left:auto">${icon('check', 14)}</span>` : ''}</button>
              <hr />
              <a class="item" style="text-decoration:none" href="#/profile" @click=${() => (this._menu = false)}>${icon('user', 14)}${t('nav.profile')}</a>
              <button class="item keys" @click=${() => { this._menu = false; this.dispatchEvent(new Event('open-help')); }}>${icon('keyboard', 14)}${t('keys.title')}</button>
              <hr />
              <button class="item" @click=${() => this.dispatchEvent(new Event('sign-out', { bubbles: true, composed: true }))}>${icon('logout', 14)}${t('nav.signOut')}</button>
            </div>`
          : ''}
        <button class="me" aria-haspopup="menu" aria-expanded=${this._menu} @click=${() => (this._menu = !this._menu)}>
          <span class="av">${avatar(me.name, me.avatarUrl, 28)}<span class="dot ${presence}"></span></span>
          <span class="who"><span class="name ellipsis">${me.name}</span><span class="status">${t(`presence.${presence}`)}</span></span>
        </button>
      </footer>
      ${this._tabbar(presence)}
    `;
  }
}
