import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { consume } from '@lit/context';
import { currentLanguage, t, type MessageKey } from '../../shared/i18n/i18n.js';
import type { BulkChanges, LiveEvent, Priority, Ticket, TicketStatus } from '../../shared/types.js';
import { tickets as ticketApi } from '../data/api-calls.js';
import type { ShortcutAction } from '../data/keyboard.js';
import { mergeTicket } from '../data/list-merge.js';
import { formatRoute, parseLink } from '../data/routes.js';
import { prefetchTicket } from '../data/ticket-prefetch.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import {
  DEFAULT_FILTERS,
  countFor,
  matchesView,
  parseView,
  showsViewCount,
  statusChoiceValue,
  statusChoices,
  viewQuery,
  type ListFilters,
  type SortKey,
  type ViewRef,
} from '../data/views.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { toast, toastError, errorMessage } from '../toast.js';
import { assignOptions, labelOptions, statusOptions } from './pick-options.js';
import type { KfTicketList } from './kf-ticket-list.js';
import type { KfTicketView } from './kf-ticket-view.js';
import './kf-ticket-list.js';
import './kf-ticket-view.js';
import './kf-picker.js';
import { navigate } from '../data/navigate.js';

const PAGE = 50;

function viewTitle(v: ViewRef): string {
  if (v.kind === 'channel' || v.kind === 'label') return v.value ?? '';
  return t(`view.${v.kind}` as MessageKey);
}

/** The inbox: list pane (filters, bulk actions, live updates) beside the open ticket. */
@customElement('kf-inbox')
export class KfInbox extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: flex; height: 100%; min-width: 0; }
      .list-pane { width: 380px; flex: none; display: flex; flex-direction: column; border-right: 1px solid var(--kf-border); min-height: 0; background: var(--kf-bg); contain: size layout style; }
      .head { padding: 12px 14px 8px; border-bottom: 1px solid var(--kf-border); display: grid; grid-template-columns: minmax(0, 1fr); gap: 8px; }
      .title-row { display: flex; align-items: center; gap: 8px; min-height: 28px; }
      h1 { font-size: var(--kf-text-lg); font-weight: 650; margin: 0; letter-spacing: -0.01em; flex: 1; min-width: 0; }
      .total { color: var(--kf-text-faint); font-weight: 500; font-size: var(--kf-text-md); margin-left: 6px; }
      /* A select never shrinks: a narrow one cuts its chosen value off with no sign of it. Each is as wide
         as the value it shows, and the bar wraps to a second row when a long choice or language needs it. */
      .filters { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
      .filters select { height: 26px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); font-size: var(--kf-text-sm); color: var(--kf-text-muted); padding: 0 2px 0 6px; flex: none; max-width: 100%; field-sizing: content; cursor: pointer; }
      .filters select:hover { border-color: var(--kf-border-strong); color: var(--kf-text); }
      /* The sort and its direction read as one control: they wrap together, at the bar's right end. */
      .filters .sort { display: flex; align-items: center; gap: 2px; margin-left: auto; }
      .linked { display: flex; align-items: center; gap: 6px; padding: 3px 4px 3px 8px; border-radius: var(--kf-radius); background: var(--kf-bg-selected); color: var(--kf-text-muted); font-size: var(--kf-text-sm); min-width: 0; }
      .linked .what { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .linked strong { color: var(--kf-text); font-weight: 600; }
      .linked a { display: inline-flex; color: var(--kf-text-muted); padding: 2px; border-radius: var(--kf-radius); }
      .linked a:hover { color: var(--kf-text); background: var(--kf-bg-hover); }
      .bulk { display: flex; align-items: center; gap: 4px; height: 28px; }
      .bulk .n { font-weight: 600; margin-right: auto; }
      .wrap { position: relative; }
      kf-ticket-list { flex: 1; min-height: 0; }
      .empty, .error { flex: 1; display: grid; place-items: center; align-content: center; gap: 6px; color: var(--kf-text-muted); text-align: center; padding: 24px; }
      .empty strong { color: var(--kf-text); font-weight: 600; }
      .ticket-pane { flex: 1; min-width: 0; display: flex; contain: size layout style; }
      .ticket-pane > * { flex: 1; min-width: 0; }
      .no-ticket { flex: 1; display: grid; place-items: center; align-content: center; gap: 10px; color: var(--kf-text-faint); background: var(--kf-bg-subtle); }
      .no-ticket .hint { display: flex; gap: 6px; align-items: center; font-size: var(--kf-text-sm); }
      @media (max-width: 1100px) { .list-pane { width: 320px; } }
      @media (max-width: 860px) {
        :host([has-ticket]) .list-pane { display: none; }
        :host(:not([has-ticket])) .ticket-pane { display: none; }
        .list-pane { width: auto; flex: 1; }
      }
      .select-mode { display: none; }
      /* Phone: no hover to reveal a row's checkbox, so a select mode where a tap on a row picks it. */
      @media (max-width: 700px) {
        .list-pane { border-right: 0; }
        .head { grid-template-columns: minmax(0, 1fr); padding: 10px 12px 8px; }
        .select-mode { display: inline-flex; }
        .bulk { gap: 2px; }
        .bulk .btn.sm { padding: 0 7px; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @property() view = 'mine';
  @property({ type: Number }) ticketId: number | null = null;
  /** Filters a link added to the view (see LINK_FILTERS), as a query string; '' for none. */
  @property() link = '';
  @state() private _items: Ticket[] = [];
  @state() private _cursor: string | null = null;
  @state() private _loading = true;
  @state() private _error = '';
  @state() private _filters: ListFilters = { ...DEFAULT_FILTERS };
  @state() private _checked = new Set<number>();
  /** Taps on rows select them instead of opening them (phones, where nothing hovers). */
  @state() private _selectMode = false;
  @state() private _cursorId: number | null = null;
  @state() private _bulkMenu: 'assign' | 'label' | 'status' | null = null;
  @query('kf-ticket-list') private _list?: KfTicketList;
  @query('kf-ticket-view') private _ticketView?: KfTicketView;
  private _abort?: AbortController;
  private _loadingMore = false;
  private _refetchTimer: ReturnType<typeof setTimeout> | undefined;
  private _lastCheck: number | null = null;
  private readonly _onLive = (e: Event) => this._live((e as CustomEvent<LiveEvent>).detail);
  private readonly _onResumed = () => void this._load();

  private get _view(): ViewRef {
    return parseView(this.view);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._store.addEventListener('live', this._onLive);
    this._store.addEventListener('resumed', this._onResumed);
  }
  override disconnectedCallback(): void {
    this._store.removeEventListener('live', this._onLive);
    this._store.removeEventListener('resumed', this._onResumed);
    this._abort?.abort();
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('view') || changed.has('link')) {
      this._checked = new Set();
      // Filters start afresh in each view: the status choices differ per view, and a filter carried
      // over unseen would hide tickets the view's name and count promise.
      this._filters = { ...DEFAULT_FILTERS };
      this._lastCheck = null;
      this._selectMode = false;
      void this._load();
    }
    if (changed.has('ticketId')) {
      this.toggleAttribute('has-ticket', this.ticketId !== null);
      if (this.ticketId !== null) {
        this._cursorId = this.ticketId;
        // Opening a ticket reads it; the row loses its unread mark at once.
        const i = this._items.findIndex((x) => x.id === this.ticketId);
        const row = this._items[i];
        if (row?.unread) this._items = this._items.map((x) => (x.id === row.id ? { ...x, unread: false } : x));
      }
    }
  }

  /** The view's query, with the link's filters on top; a status picked here wins over the link's. */
  private _query(): Record<string, string> {
    const link = parseLink(this.link);
    if (this._filters.status) delete link.status;
    return { ...viewQuery(this._view, this._filters), ...link };
  }

  private async _load() {
    this._abort?.abort();
    const abort = (this._abort = new AbortController());
    this._loading = this._items.length === 0 || true;
    this._error = '';
    try {
      const page = await ticketApi.list(this._store.api, { ...this._query(), limit: PAGE }, abort.signal);
      if (abort.signal.aborted) return;
      this._items = page.items;
      this._cursor = page.nextCursor;
      this._store.learnChannels(page.items);
    } catch (err) {
      if ((err as Error).name === 'AbortError') return;
      this._error = errorMessage(err);
      this._items = [];
    } finally {
      if (!abort.signal.aborted) this._loading = false;
    }
  }

  private async _loadMore() {
    if (!this._cursor || this._loadingMore) return;
    this._loadingMore = true;
    try {
      const page = await ticketApi.list(this._store.api, { ...this._query(), limit: PAGE, cursor: this._cursor });
      const seen = new Set(this._items.map((x) => x.id));
      this._items = [...this._items, ...page.items.filter((x) => !seen.has(x.id))];
      this._cursor = page.nextCursor;
    } catch (err) {
      toastError(err);
    } finally {
      this._loadingMore = false;
    }
  }

  /** Applies a ticket the server told us about (live event or our own change) to the list. */
  applyTicket(ticket: Ticket) {
    const me = { id: this._store.me.id, teamIds: this._store.myTeamIds };
    // A linked list (a report's tickets) is what the server listed: live changes update rows, never add them.
    const belongs = matchesView(ticket, this._view, this._filters, me) && (this.link === '' || this._items.some((x) => x.id === ticket.id));
    const shown = ticket.id === this.ticketId ? { ...ticket, unread: false } : ticket;
    this._items = mergeTicket(this._items, shown, belongs, this._filters, this._cursor === null);
  }

  private _ticketChanged(ticket: Ticket) {
    this.applyTicket(ticket);
    // The ticket view has loaded it, so the server counts it read: the unread count (the tab title) may drop.
    if (this._store.counts?.unread) this._store.scheduleCounts();
  }

  private _live(ev: LiveEvent) {
    // A merge carries the survivor; the merged ticket is closed now and leaves views that show no closed tickets.
    if (ev.type === 'ticket.merged' && ev.ticketId !== undefined && ev.ticketId !== ev.ticket?.id) {
      const merged = ev.ticketId;
      if (this._items.some((x) => x.id === merged)) {
        this._items = this._items.filter((x) => x.id !== merged);
        clearTimeout(this._refetchTimer);
        this._refetchTimer = setTimeout(() => void this._refreshHead(), 250);
      }
    }
    if (ev.ticket) {
      // A channel's first ticket may arrive live: the sidebar then learns its kind (and icon) at once.
      this._store.learnChannels([ev.ticket]);
      this.applyTicket(ev.ticket);
      return;
    }
    // A new ticket's first message: the ticket.created just before it carried the ticket as it is.
    if (ev.type === 'message.created') return;
    // Events without a ticket snapshot: refresh the first page once the burst is over.
    clearTimeout(this._refetchTimer);
    this._refetchTimer = setTimeout(() => void this._refreshHead(), 250);
  }

  private async _refreshHead() {
    try {
      const page = await ticketApi.list(this._store.api, { ...this._query(), limit: PAGE });
      let items = this._items;
      for (const tk of page.items) items = mergeTicket(items, tk.id === this.ticketId ? { ...tk, unread: false } : tk, true, this._filters, this._cursor === null);
      this._items = items;
    } catch {
      // The next event or a manual refresh tries again.
    }
  }

  private _setFilter<K extends keyof ListFilters>(key: K, value: ListFilters[K]) {
    this._filters = { ...this._filters, [key]: value };
    void this._load();
  }

  private _open(id: number) {
    prefetchTicket(this._store, id);
    navigate(formatRoute({ name: 'inbox', view: this.view, ticketId: id, link: this.link }));
  }

  private _toggleCheck(id: number, range: boolean) {
    const next = new Set(this._checked);
    if (range && this._lastCheck !== null) {
      const a = this._items.findIndex((x) => x.id === this._lastCheck);
      const b = this._items.findIndex((x) => x.id === id);
      if (a >= 0 && b >= 0) for (const x of this._items.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(x.id);
    } else if (next.has(id)) next.delete(id);
    else next.add(id);
    this._lastCheck = id;
    this._checked = next;
  }

  private _toggleAll() {
    this._checked = this._checked.size === this._items.length ? new Set() : new Set(this._items.map((x) => x.id));
  }

  private async _bulk(changes: BulkChanges) {
    const ids = [...this._checked];
    this._bulkMenu = null;
    try {
      const r = await ticketApi.bulk(this._store.api, ids, changes);
      toast(t('bulk.done', { n: r.updated }));
      this._checked = new Set();
      this._selectMode = false;
      await this._load();
      void this._store.refreshCounts();
    } catch (err) {
      toastError(err);
    }
  }

  private _bulkAssign(value: string) {
    if (value === 'none') void this._bulk({ assigneeId: null });
    else if (value.startsWith('agent:')) void this._bulk({ assigneeId: Number(value.slice(6)) });
    else if (value.startsWith('team:')) void this._bulk({ teamId: Number(value.slice(5)) });
  }

  /** Keyboard shortcuts routed here by the shell; returns whether the key was used. */
  handleAction(action: ShortcutAction): boolean {
    const idx = this._items.findIndex((x) => x.id === (this._cursorId ?? this.ticketId));
    switch (action) {
      case 'next':
      case 'prev': {
        const next = this._items[Math.max(0, Math.min(this._items.length - 1, idx + (action === 'next' ? 1 : -1)))] ?? this._items[0];
        if (!next) return false;
        this._cursorId = next.id;
        this._list?.reveal(next.id);
        if (this.ticketId !== null) this._open(next.id);
        return true;
      }
      case 'open':
        if (this._cursorId === null) return false;
        this._open(this._cursorId);
        return true;
      case 'select':
        if (this._cursorId === null) return false;
        this._toggleCheck(this._cursorId, false);
        return true;
      case 'close':
        if (this._checked.size || this._selectMode) {
          this._endSelection();
          return true;
        }
        if (this.ticketId !== null) {
          navigate(formatRoute({ name: 'inbox', view: this.view, ticketId: null, link: this.link }));
          return true;
        }
        return false;
      case 'resolve':
        if (this._checked.size) {
          void this._bulk({ status: 'resolved' });
          return true;
        }
        return this._ticketView?.handleAction(action) ?? false;
      default:
        return this._ticketView?.handleAction(action) ?? false;
    }
  }

  private _endSelection() {
    this._checked = new Set();
    this._selectMode = false;
  }

  private _header() {
    const v = this._view;
    // A linked list is not what the view's sidebar count counts, and its statuses may be the link's.
    const count = showsViewCount(this._filters) && this.link === '' ? countFor(v, this._store.counts) : null;
    const status = this._filters.status ? statusChoiceValue(this._filters) : (parseLink(this.link).status ?? '');
    if (this._checked.size || this._selectMode) {
      return html`<div class="bulk" role="toolbar" aria-label=${t('bulk.label')}>
        <input type="checkbox" aria-label=${t('list.selectAll')} .checked=${this._checked.size === this._items.length} @change=${this._toggleAll} />
        <span class="n">${t('bulk.selected', { n: this._checked.size })}</span>
        <span class="wrap"><button class="btn sm" @click=${() => (this._bulkMenu = 'assign')}>${icon('user', 14)}${t('action.assign')}</button>
          ${this._bulkMenu === 'assign' ? html`<kf-picker filterable align="right" .options=${assignOptions(this._store)} @pick=${(e: CustomEvent<string>) => this._bulkAssign(e.detail)} @close=${() => (this._bulkMenu = null)}></kf-picker>` : ''}</span>
        <span class="wrap"><button class="btn sm" @click=${() => (this._bulkMenu = 'label')}>${icon('tag', 14)}${t('action.label')}</button>
          ${this._bulkMenu === 'label' ? html`<kf-picker filterable align="right" .options=${labelOptions(this._store, [])} @pick=${(e: CustomEvent<string>) => this._bulk({ addLabels: [e.detail] })} @close=${() => (this._bulkMenu = null)}></kf-picker>` : ''}</span>
        <span class="wrap"><button class="btn sm" @click=${() => (this._bulkMenu = 'status')}>${icon('checkCircle', 14)}${t('action.status')}</button>
          ${this._bulkMenu === 'status' ? html`<kf-picker align="right" .options=${statusOptions()} @pick=${(e: CustomEvent<string>) => this._bulk({ status: e.detail as TicketStatus })} @close=${() => (this._bulkMenu = null)}></kf-picker>` : ''}</span>
        <button class="icon-btn" title=${t('bulk.clear')} aria-label=${t('bulk.clear')} @click=${() => this._endSelection()}>${icon('x', 14)}</button>
      </div>`;
    }
    return html`<div class="title-row"><h1 class="ellipsis" title=${viewTitle(v)}>${viewTitle(v)}${count !== null ? html`<span class="total">${count}</span>` : ''}</h1>
        <button class="icon-btn select-mode" data-action="select-mode" title=${t('list.selectMode')} aria-label=${t('list.selectMode')} @click=${() => (this._selectMode = true)}>${icon('checkSquare', 18)}</button>
        <button class="icon-btn" title=${t('list.refresh')} @click=${() => void this._load()}>${icon('refresh', 16)}</button></div>
      <div class="filters">
        <select aria-label=${t('filter.status')} @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; this._setFilter('status', v ? (v.split(',') as TicketStatus[]) : null); }}>
          ${statusChoices(v).map((c) => html`<option value=${c.value} .selected=${live(status === c.value)}>${t(c.label)}</option>`)}
        </select>
        <select aria-label=${t('filter.priority')} @change=${(e: Event) => this._setFilter('priority', ((e.target as HTMLSelectElement).value || null) as Priority | null)}>
          <option value="" .selected=${live(this._filters.priority === null)}>${t('filter.anyPriority')}</option>
          ${(['urgent', 'high', 'normal', 'low'] as const).map((p) => html`<option value=${p} .selected=${live(this._filters.priority === p)}>${t(`priority.${p}`)}</option>`)}
        </select>
        <span class="sort"><select aria-label=${t('filter.sort')} @change=${(e: Event) => this._setFilter('sort', (e.target as HTMLSelectElement).value as SortKey)}>
          ${(['last_activity', 'created', 'priority', 'sla_due'] as const).map((s) => html`<option value=${s} .selected=${live(this._filters.sort === s)}>${t(`sort.${s}`)}</option>`)}
        </select>
        <button class="icon-btn" title=${this._filters.order === 'desc' ? t('sort.desc') : t('sort.asc')} aria-label=${t('filter.order')}
          @click=${() => this._setFilter('order', this._filters.order === 'desc' ? 'asc' : 'desc')}
          style="transform:${this._filters.order === 'asc' ? 'rotate(180deg)' : 'none'}">${icon('chevronDown', 16)}</button></span>
      </div>${this.link ? this._linked() : ''}`;
  }

  /** What a link from Reports narrowed the view to, and the way back to the whole view. */
  private _linked() {
    const f = parseLink(this.link);
    const day = (iso: string, end: boolean) => new Date(Date.parse(iso) - (end ? 1 : 0)).toLocaleDateString(currentLanguage());
    const range = (key: 'list.createdBetween' | 'list.resolvedBetween', from: string | undefined, to: string | undefined) =>
      from || to ? t(key, { from: from ? day(from, false) : '…', to: to ? day(to, true) : '…' }) : '';
    const bot = f.bot === 'handled' ? t('list.botHandled') : f.bot === 'deflected' ? t('list.botDeflected') : '';
    const what = [range('list.createdBetween', f.createdFrom, f.createdTo), range('list.resolvedBetween', f.resolvedFrom, f.resolvedTo), bot].filter((x) => x !== '').join(' · ');
    return html`<div class="linked" data-linked>${icon('chart', 14)}<span class="what" title=${what}><strong>${t('list.linked')}</strong>${what ? ` · ${what}` : ''}</span>
      <a href=${formatRoute({ name: 'inbox', view: this.view, ticketId: null })} title=${t('list.clearLinked')} aria-label=${t('list.clearLinked')}>${icon('x', 14)}</a></div>`;
  }

  private _listBody() {
    if (this._error) {
      return html`<div class="error" role="alert">${icon('alert', 20)}<span>${this._error}</span><button class="btn sm" @click=${() => void this._load()}>${t('action.retry')}</button></div>`;
    }
    if (this._loading && this._items.length === 0) return html`<div class="empty">${t('app.loading')}</div>`;
    if (this._items.length === 0) {
      return html`<div class="empty">${icon('checkCircle', 28)}<strong>${t('list.emptyTitle')}</strong><span>${t('list.emptyBody')}</span></div>`;
    }
    return html`<kf-ticket-list
      .items=${this._items}
      .labels=${this._store.labels}
      .checked=${this._checked}
      .view=${this.view}
      .activeId=${this.ticketId}
      .cursorId=${this._cursorId}
      .hasMore=${this._cursor !== null}
      ?selecting=${this._checked.size > 0 || this._selectMode}
      .selectMode=${this._selectMode}
      @open-ticket=${(e: CustomEvent<number>) => this._open(e.detail)}
      @row-focus=${(e: CustomEvent<number>) => (this._cursorId = e.detail)}
      @toggle-check=${(e: CustomEvent<{ id: number; range: boolean }>) => this._toggleCheck(e.detail.id, e.detail.range)}
      @load-more=${() => void this._loadMore()}
    ></kf-ticket-list>`;
  }

  override render() {
    const preview = this._items.find((x) => x.id === this.ticketId) ?? null;
    return html`
      <section class="list-pane" aria-label=${t('list.label')}>
        <div class="head">${this._header()}</div>
        ${this._listBody()}
      </section>
      <section class="ticket-pane">
        ${this.ticketId !== null
          ? html`<kf-ticket-view .ticketId=${this.ticketId} .preview=${preview} .view=${this.view}
              @ticket-changed=${(e: CustomEvent<Ticket>) => this._ticketChanged(e.detail)}></kf-ticket-view>`
          : html`<div class="no-ticket">${icon('inbox', 36)}<span>${t('ticket.noneSelected')}</span>
              <span class="hint"><span class="kbd">j</span><span class="kbd">k</span>${t('ticket.hintNavigate')}<span class="kbd">?</span>${t('ticket.hintHelp')}</span></div>`}
      </section>
    `;
  }
}
