import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { currentLanguage, t } from '../../shared/i18n/i18n.js';
import { formatAge, formatDateTime } from '../../shared/format.js';
import type { Label, Ticket } from '../../shared/types.js';
import { anchoredScrollTop } from '../data/list-merge.js';
import { formatRoute } from '../data/routes.js';
import { systemText } from '../data/system-text.js';
import { visibleRange } from '../data/virtual-range.js';
import { channelTitle } from '../data/kind-label.js';
import { channelIcon, icon } from '../icons.js';
import { base } from '../styles.js';
import { avatar } from './kf-avatar.js';
import { slaBadge, slaBadgeStyles } from './sla-badge.js';

export const ROW_HEIGHT = 78;

/**
 * The ticket list, virtualized with fixed-height rows: only the visible rows (plus overscan) exist in the DOM,
 * and live inserts above the viewport shift scrollTop so the rows the agent is reading do not move.
 */
@customElement('kf-ticket-list')
export class KfTicketList extends LitElement {
  static override styles = [
    base,
    slaBadgeStyles,
    css`
      :host { display: block; position: relative; overflow-y: auto; overflow-x: hidden; contain: strict; will-change: scroll-position; }
      .spacer { position: relative; width: 100%; }
      .row {
        position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px;
        display: grid; grid-template-columns: 30px 1fr; gap: 0 10px; padding: 10px 14px 10px 12px;
        border-bottom: 1px solid var(--kf-border); cursor: pointer; background: var(--kf-bg);
        text-decoration: none; color: inherit; -webkit-tap-highlight-color: transparent;
        /* Each row lays out on its own: adding one while scrolling never re-lays out the others. */
        contain: strict;
      }
      /* Before .active and .checked, which win over it. */
      @media (hover: hover) { .row:hover { background: var(--kf-bg-hover); } }
      .row.cursor { box-shadow: inset 2px 0 0 var(--kf-accent); }
      .row.active { background: var(--kf-bg-selected); }
      .row.checked { background: var(--kf-accent-soft); }
      .lead { position: relative; display: flex; align-items: flex-start; justify-content: center; padding-top: 1px; }
      /* A real checkbox, so Tab reaches it and Space toggles it; the list is virtualized, so only the rows on screen
         have one. It stays in the layout (a hidden one could not take focus) and shows over the avatar when wanted. */
      .check { position: absolute; top: 6px; left: 50%; width: 16px; height: 16px; margin: 0 0 0 -8px; opacity: 0; accent-color: var(--kf-accent); cursor: pointer; }
      .row:hover .lead .avatar, .row:focus-within .lead .avatar, :host([selecting]) .lead .avatar { visibility: hidden; }
      .row:hover .lead .check, .row:focus-within .lead .check, :host([selecting]) .lead .check { opacity: 1; }
      /* Touch has no hover: the checkbox stays in view there. */
      @media (hover: none) {
        .lead .avatar { visibility: hidden; }
        .lead .check { opacity: 1; }
      }
      .row:has(.body:focus-visible) { box-shadow: inset 0 0 0 2px var(--kf-accent); }
      .body:focus-visible { outline: none; }
      .unread-dot { position: absolute; left: -9px; top: 10px; width: 6px; height: 6px; border-radius: 50%; background: var(--kf-accent); }
      .body { min-width: 0; display: grid; grid-template-rows: 18px 18px 18px; gap: 2px; color: inherit; text-decoration: none; }
      .line { display: flex; align-items: center; gap: 6px; min-width: 0; }
      .who { font-weight: 500; color: var(--kf-text); }
      .unread .who, .unread .subject { font-weight: 650; }
      .num { color: var(--kf-text-faint); font-size: var(--kf-text-sm); font-variant-numeric: tabular-nums; flex: none; }
      .age { margin-left: auto; flex: none; color: var(--kf-text-faint); font-size: var(--kf-text-sm); font-variant-numeric: tabular-nums; }
      .unread .age { color: var(--kf-accent); font-weight: 600; }
      .ch { color: var(--kf-text-faint); display: inline-flex; align-items: center; gap: 3px; flex: none; font-size: var(--kf-text-xs); }
      .ch-name { max-width: 84px; }
      .subject { color: var(--kf-text); flex: 1; }
      .preview { color: var(--kf-text-muted); flex: 1; font-size: var(--kf-text-sm); }
      .you { margin-right: 3px; }
      .meta { display: flex; align-items: center; gap: 4px; flex: none; }
      .prio { display: inline-flex; align-items: center; flex: none; }
      .prio.urgent { color: var(--kf-urgent); }
      .prio.high { color: var(--kf-high); }
      .status-chip { font-size: var(--kf-text-xs); padding: 0 6px; border-radius: 9px; height: 18px; display: inline-flex; align-items: center; background: var(--kf-bg-sunken); color: var(--kf-text-muted); }
      .status-chip.pending { background: var(--kf-warning-soft); color: var(--kf-warning); }
      .status-chip.snoozed { background: var(--kf-accent-soft); color: var(--kf-accent); }
      .status-chip.resolved, .status-chip.closed { background: var(--kf-success-soft); color: var(--kf-success); }
      .more { position: absolute; left: 0; right: 0; height: 40px; display: grid; place-items: center; color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
    `,
  ];

  @property({ attribute: false }) items: Ticket[] = [];
  @property({ attribute: false }) labels: Label[] = [];
  @property({ attribute: false }) checked = new Set<number>();
  @property({ type: Number }) activeId: number | null = null;
  @property({ type: Number }) cursorId: number | null = null;
  @property({ type: Boolean }) hasMore = false;
  @property({ type: Boolean, reflect: true }) selecting = false;
  /** The inbox view the rows open tickets in: each row is a real link to its ticket. */
  @property() view = 'mine';
  /** A tap anywhere on a row toggles it rather than opening the ticket. */
  @property({ type: Boolean }) selectMode = false;
  @state() private _range = { start: 0, end: 0 };
  @query('.spacer') private _spacer?: HTMLElement;
  private _pendingScroll: number | null = null;
  private _resize?: ResizeObserver;
  private _frame = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('scroll', this._onScroll, { passive: true });
    this._resize = new ResizeObserver((entries) => {
      this._viewport = entries[0]?.contentRect.height || this._viewport;
      this._measure();
    });
    this._resize.observe(this);
  }
  override disconnectedCallback(): void {
    this.removeEventListener('scroll', this._onScroll);
    this._resize?.disconnect();
    cancelAnimationFrame(this._frame);
    super.disconnectedCallback();
  }

  private _scrollTop = 0;
  private _viewport = 800;

  private readonly _onScroll = () => {
    cancelAnimationFrame(this._frame);
    this._frame = requestAnimationFrame(() => {
      this._scrollTop = this.scrollTop;
      this._measure();
    });
  };

  private _measure() {
    const r = visibleRange(this._scrollTop, this._viewport, ROW_HEIGHT, this.items.length);
    if (r.start !== this._range.start || r.end !== this._range.end) this._range = r;
    if (this.hasMore && r.end >= this.items.length - 10) this.dispatchEvent(new Event('load-more'));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('items') as Ticket[] | undefined;
    // Scroll metrics come from the scroll and resize observers: reading them here would force a layout.
    if (before && before.length && this.items !== before) {
      const next = anchoredScrollTop(before, this.items, this._scrollTop, ROW_HEIGHT);
      if (next !== this._scrollTop) this._pendingScroll = next;
    }
    if (changed.has('items')) {
      this._range = visibleRange(this._pendingScroll ?? this._scrollTop, this._viewport, ROW_HEIGHT, this.items.length);
    }
  }

  protected override updated(): void {
    if (this._pendingScroll !== null) {
      this.scrollTop = this._pendingScroll;
      this._scrollTop = this._pendingScroll;
      this._pendingScroll = null;
    }
  }

  /** Brings a row into view (keyboard navigation). */
  reveal(id: number) {
    const i = this.items.findIndex((x) => x.id === id);
    if (i < 0) return;
    const top = i * ROW_HEIGHT;
    if (top < this._scrollTop) this.scrollTop = top;
    else if (top + ROW_HEIGHT > this._scrollTop + this._viewport) this.scrollTop = top + ROW_HEIGHT - this._viewport;
  }

  private _open(e: MouseEvent, id: number) {
    // The inbox opens the ticket itself (prefetching it); the link's href serves new tabs and keyboards.
    e.preventDefault();
    if (this.selectMode || e.shiftKey || e.metaKey || e.ctrlKey) {
      this._toggle(id, e.shiftKey);
      return;
    }
    this.dispatchEvent(new CustomEvent<number>('open-ticket', { detail: id }));
  }

  /** Shift extends a selection of tickets here, not the page's text selection. */
  private _noTextSelection(e: MouseEvent) {
    if (e.shiftKey) e.preventDefault();
  }

  private _toggle(id: number, range = false) {
    this.dispatchEvent(new CustomEvent('toggle-check', { detail: { id, range } }));
  }

  private _labelColor(name: string): string {
    const c = this.labels.find((l) => l.name === name)?.color ?? '';
    return /^#[0-9a-f]{3,8}$/i.test(c) ? c : 'var(--kf-text-faint)';
  }

  private _row(tk: Ticket, index: number) {
    const name = tk.contact.name || tk.contact.email || tk.contact.phone || t(tk.channel.kind === 'wechat' ? 'contact.wechatUser' : 'contact.anonymous');
    const last = tk.lastMessage;
    const preview = !last ? '' : last.kind === 'system' ? systemText({ text: last.preview }) : last.preview;
    const cls = [
      'row',
      tk.unread ? 'unread' : '',
      tk.id === this.activeId ? 'active' : '',
      tk.id === this.cursorId ? 'cursor' : '',
      this.checked.has(tk.id) ? 'checked' : '',
    ].join(' ');
    const checked = this.checked.has(tk.id);
    return html`<div class=${cls} style="transform:translateY(${index * ROW_HEIGHT}px)" role="listitem"
        data-ticket-id=${tk.id} @mousedown=${this._noTextSelection} @click=${(e: MouseEvent) => this._open(e, tk.id)}
        @focusin=${() => this.dispatchEvent(new CustomEvent<number>('row-focus', { detail: tk.id }))}>
      <div class="lead">
        ${tk.unread ? html`<span class="unread-dot" title=${t('list.unread')}></span>` : ''}
        ${avatar(name, null, 28)}
        <input type="checkbox" class="check" aria-label=${t('list.selectTicket', { n: tk.number })} .checked=${live(checked)}
          @click=${(e: MouseEvent) => { e.stopPropagation(); this._toggle(tk.id, e.shiftKey); }} />
      </div>
      <a class="body" href=${formatRoute({ name: 'inbox', view: this.view, ticketId: tk.id })} aria-current=${tk.id === this.activeId ? 'page' : 'false'}>
        <div class="line">
          <span class="who ellipsis">${name}</span>
          <span class="ch" title=${channelTitle(tk.channel)}>${icon(channelIcon(tk.channel.kind), 13)}<span class="ch-name ellipsis">${channelTitle(tk.channel)}</span></span>
          <span class="num">#${tk.number}</span>
          ${tk.slaClock ? slaBadge(tk.slaClock.dueAt, tk.slaClock.warnAt, tk.slaClock.breached) : ''}
          <span class="age" title=${formatDateTime(tk.lastActivityAt)}>${formatAge(tk.lastActivityAt)}</span>
        </div>
        <div class="line">
          <span class="subject ellipsis">${tk.subject || preview || t('ticket.noSubject')}</span>
          ${tk.status !== 'open' ? html`<span class="status-chip ${tk.status}">${t(`status.${tk.status}`)}</span>` : ''}
        </div>
        <div class="line">
          <span class="preview ellipsis">${tk.lastMessage?.kind === 'outbound' ? html`<span class="faint you">${t('list.you')}</span>` : ''}${preview}</span>
          <span class="meta">
            ${tk.labels.slice(0, 2).map((l) => html`<span class="chip"><span class="dot" style="background:${this._labelColor(l)}"></span>${l}</span>`)}
            ${tk.labels.length > 2 ? html`<span class="chip">+${tk.labels.length - 2}</span>` : ''}
            ${tk.priority === 'urgent' || tk.priority === 'high'
              ? html`<span class="prio ${tk.priority}" title=${t(`priority.${tk.priority}`)}>${icon('flag', 13)}</span>`
              : ''}
            ${tk.assignee ? html`<span title=${tk.assignee.name}>${avatar(tk.assignee.name, null, 18)}</span>` : ''}
          </span>
        </div>
      </a>
    </div>`;
  }

  override render() {
    const { start, end } = this._range;
    const slice = this.items.slice(start, end);
    const height = this.items.length * ROW_HEIGHT + (this.hasMore ? 40 : 0);
    const minute = Math.floor(Date.now() / 60_000);
    return html`<div class="spacer" role="list" aria-label=${t('list.label')} style="height:${height}px">
      ${repeat(slice, (tk) => tk.id, (tk, i) => {
        const index = start + i;
        // Scrolling re-renders the list every frame; a row is rebuilt only when something it shows changed.
        // The minute keeps the ages current whenever the list renders.
        const shows = [tk, index, this.view, tk.id === this.activeId, tk.id === this.cursorId, this.checked.has(tk.id), this.labels, currentLanguage(), minute];
        return guard(shows, () => this._row(tk, index));
      })}
      ${this.hasMore ? html`<div class="more" style="top:${this.items.length * ROW_HEIGHT}px">${t('app.loading')}</div>` : ''}
    </div>`;
  }

  get spacer(): HTMLElement | undefined {
    return this._spacer;
  }
}
