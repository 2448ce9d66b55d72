import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, state, query } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import type { AgentNotification, LiveEvent } from '../../shared/types.js';
import { closeInnermost, overlayOpen } from '../data/escape-stack.js';
import { actionForKey } from '../data/keyboard.js';
import { formatRoute, parseRoute, type Route } from '../data/routes.js';
import { currentHash, navigate, onNavigate } from '../data/navigate.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { alertFor, alertForNotification, showAlert } from '../notify.js';
import { toast } from '../toast.js';
import { base } from '../styles.js';
import { icon } from '../icons.js';
import type { KfInbox } from './kf-inbox.js';
import './kf-sidebar.js';
import './kf-inbox.js';
import './kf-search.js';
import './kf-shortcuts.js';
import './kf-toaster.js';
import './kf-notify-prompt.js';

/** The signed-in frame: sidebar, routed main area, global search, shortcuts and notifications. */
@customElement('kf-shell')
export class KfShell extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: flex; height: 100vh; overflow: hidden; background: var(--kf-bg); }
      kf-sidebar { flex: none; }
      main { flex: 1; min-width: 0; display: flex; flex-direction: column; position: relative; }
      .page { flex: 1; min-height: 0; display: flex; }
      .page > * { flex: 1; min-width: 0; }
      .banner { display: flex; align-items: center; gap: 8px; justify-content: center; height: 30px; font-size: var(--kf-text-sm); background: var(--kf-warning-soft); color: var(--kf-warning); border-bottom: 1px solid var(--kf-border); }
      .loading { display: grid; place-items: center; color: var(--kf-text-muted); }
      /* Phone: the navigation bar sits under the page, and an open ticket gets the whole screen (it has a back button). */
      @media (max-width: 700px) {
        :host { flex-direction: column; height: 100dvh; }
        main { min-height: 0; }
        kf-sidebar { order: 1; }
        :host([ticket-open]) kf-sidebar, :host([ticket-open]) kf-notify-prompt { display: none; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @state() private _route: Route = parseRoute(currentHash());
  @state() private _searchOpen = false;
  @state() private _helpOpen = false;
  @state() private _lazyReady = new Set<string>();
  @query('kf-inbox') private _inbox?: KfInbox;

  private _stopNavigate?: () => void;
  private readonly _onKey = (e: KeyboardEvent) => this._key(e);
  private readonly _onLive = (e: Event) => this._live((e as CustomEvent<LiveEvent>).detail);
  private readonly _onNotification = (e: Event) => this._notified((e as CustomEvent<AgentNotification>).detail);

  override connectedCallback(): void {
    super.connectedCallback();
    this._stopNavigate = onNavigate((hash) => (this._route = parseRoute(hash)));
    window.addEventListener('keydown', this._onKey);
  }
  override disconnectedCallback(): void {
    this._stopNavigate?.();
    window.removeEventListener('keydown', this._onKey);
    this._store?.removeEventListener('live', this._onLive);
    this._store?.removeEventListener('notification', this._onNotification);
    super.disconnectedCallback();
  }
  override firstUpdated(): void {
    this._store.addEventListener('live', this._onLive);
    this._store.addEventListener('notification', this._onNotification);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('_route')) {
      void this._loadLazy(this._route);
      this.toggleAttribute('ticket-open', this._route.name === 'inbox' && this._route.ticketId !== null);
    }
  }

  /** Admin, contacts, search results and profile screens are separate chunks, fetched on first visit. */
  private async _loadLazy(r: Route) {
    if (r.name === 'inbox' || this._lazyReady.has(r.name)) return;
    if (r.name === 'admin') await import('../views/admin/kf-admin.js');
    else if (r.name === 'contacts') await import('../views/kf-contacts.js');
    else if (r.name === 'kb') await import('../views/kf-kb.js');
    else if (r.name === 'search') await import('../views/kf-search-results.js');
    else if (r.name === 'reports') await import('../views/reports/kf-reports.js');
    else await import('../views/kf-profile.js');
    this._lazyReady = new Set([...this._lazyReady, r.name]);
  }

  private _live(ev: LiveEvent) {
    const a = alertFor(ev, this._store.me);
    if (!a) return;
    showAlert(a, this._store.me, (id) => this._openTicket(id));
  }

  /** An SLA warning or breach for this agent: a toast here, and a desktop alert when Kefu is in the background. */
  private _notified(n: AgentNotification) {
    const a = alertForNotification(n);
    if (!a) return;
    toast(`${a.title}: ${a.body}`);
    showAlert(a, this._store.me, (id) => this._openTicket(id));
  }

  private _openTicket(id: number) {
    const view = this._route.name === 'inbox' ? this._route.view : 'all';
    navigate(formatRoute({ name: 'inbox', view, ticketId: id }));
  }

  private _key(e: KeyboardEvent) {
    const path = e.composedPath();
    const el = path[0] as HTMLElement | undefined;
    const inEditable = !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
    // Enter or Space on a focused button or link presses it: the page's shortcuts must not take the key.
    if (el && (e.key === 'Enter' || e.key === ' ') && (el.tagName === 'BUTTON' || el.tagName === 'A')) return;
    const action = actionForKey({ key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, inEditable });
    if (!action) return;
    if (overlayOpen()) {
      if (action === 'close' && closeInnermost()) e.preventDefault();
      return;
    }
    if (action === 'search') {
      e.preventDefault();
      this._searchOpen = true;
      return;
    }
    if (action === 'help') {
      e.preventDefault();
      this._helpOpen = !this._helpOpen;
      return;
    }
    if (action === 'close') {
      if (this._searchOpen || this._helpOpen) {
        this._searchOpen = false;
        this._helpOpen = false;
        e.preventDefault();
        return;
      }
    }
    if (this._searchOpen || this._helpOpen) return;
    if (this._route.name === 'inbox' && this._inbox?.handleAction(action)) e.preventDefault();
  }

  private _page() {
    const r = this._route;
    switch (r.name) {
      case 'inbox':
        return html`<kf-inbox .view=${r.view} .ticketId=${r.ticketId} .link=${r.link ?? ''}></kf-inbox>`;
      case 'contacts':
        return this._lazyReady.has('contacts')
          ? html`<kf-contacts .contactId=${r.contactId}></kf-contacts>`
          : html`<div class="loading">${t('app.loading')}</div>`;
      case 'kb':
        return this._lazyReady.has('kb') ? html`<kf-kb .article=${r.article}></kf-kb>` : html`<div class="loading">${t('app.loading')}</div>`;
      case 'admin':
        return this._lazyReady.has('admin')
          ? html`<kf-admin .section=${r.section}></kf-admin>`
          : html`<div class="loading">${t('app.loading')}</div>`;
      case 'profile':
        return this._lazyReady.has('profile') ? html`<kf-profile></kf-profile>` : html`<div class="loading">${t('app.loading')}</div>`;
      case 'reports':
        return this._lazyReady.has('reports')
          ? html`<kf-reports .query=${r.query}></kf-reports>`
          : html`<div class="loading">${t('app.loading')}</div>`;
      case 'search':
        return this._lazyReady.has('search')
          ? html`<kf-search-results .params=${r.params}></kf-search-results>`
          : html`<div class="loading">${t('app.loading')}</div>`;
    }
  }

  override render() {
    const ws = this._store.wsState;
    return html`
      <kf-sidebar .route=${this._route} @open-search=${() => (this._searchOpen = true)} @open-help=${() => (this._helpOpen = true)}></kf-sidebar>
      <main>
        ${ws === 'reconnecting'
          ? html`<div class="banner" role="status">${icon('alert', 14)} ${t('app.reconnecting')}</div>`
          : ''}
        <kf-notify-prompt></kf-notify-prompt>
        <div class="page">${this._page()}</div>
      </main>
      ${this._searchOpen ? html`<kf-search @close=${() => (this._searchOpen = false)}></kf-search>` : ''}
      ${this._helpOpen ? html`<kf-shortcuts @close=${() => (this._helpOpen = false)}></kf-shortcuts>` : ''}
      <kf-toaster></kf-toaster>
    `;
  }
}
