import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../shared/i18n/i18n.js';
import type { SearchHit } from '../../shared/types.js';
import { searchPage } from '../data/api-calls.js';
import { navigate } from '../data/navigate.js';
import { formatRoute, type SearchParams } from '../data/routes.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { errorMessage } from '../toast.js';
import { hitStyles, ticketHit } from '../components/search-hit.js';
import { page } from './page-styles.js';

const STATUS_CHOICES: Array<[string, MessageKey]> = [
  ['', 'search.anyStatus'],
  ['open,pending', 'search.activeStatus'],
  ['open', 'status.open'],
  ['pending', 'status.pending'],
  ['snoozed', 'status.snoozed'],
  ['resolved', 'status.resolved'],
  ['closed', 'status.closed'],
  ['resolved,closed', 'search.doneStatus'],
];

const CHANNEL_CHOICES: Array<[string, MessageKey]> = [
  ['', 'search.anyChannel'],
  ['email', 'channels.kindEmail'],
  ['widget', 'channels.kindWidget'],
  ['wechat', 'search.channelWechat'],
  ['telegram', 'search.channelTelegram'],
  ['whatsapp', 'search.channelWhatsapp'],
  ['twilio', 'search.channelSms'],
  ['api', 'search.channelApi'],
];

/** The full search results: every matching ticket, one row each, with filters, paged as the list scrolls. */
@customElement('kf-search-results')
export class KfSearchResults extends LitElement {
  static override styles = [
    base,
    page,
    hitStyles,
    css`
      .bar { display: flex; flex-direction: column; gap: 10px; padding: 12px 24px; border-bottom: 1px solid var(--kf-border); flex: none; }
      .q { display: flex; align-items: center; gap: 8px; color: var(--kf-text-faint); }
      .q input { flex: 1; min-width: 0; }
      .filters { display: grid; grid-template-columns: repeat(6, minmax(0, 1fr)) auto; gap: 8px; align-items: end; }
      .toggle { display: none; }
      .filters label.lbl { margin-bottom: 2px; font-size: var(--kf-text-xs); }
      .filters .field { width: 100%; height: 30px; }
      .list { display: flex; flex-direction: column; gap: 2px; max-width: 980px; }
      .more { display: flex; justify-content: center; padding: 14px; color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
      .summary { color: var(--kf-text-faint); font-size: var(--kf-text-sm); margin: 0 0 8px; }
      @media (max-width: 900px) {
        .filters { grid-template-columns: repeat(2, minmax(0, 1fr)); }
        /* On a phone the filters fold away behind a button so the results start on the first screen. */
        .toggle { display: inline-flex; flex: none; }
        .filters:not(.open) { display: none; }
        .bar { padding: 10px 12px; }
        .page-body { padding: 12px 6px; }
        .page-head { padding: 0 12px; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @property({ attribute: false }) params: SearchParams = { q: '' };
  @state() private _hits: SearchHit[] = [];
  @state() private _cursor: string | null = null;
  @state() private _loading = false;
  @state() private _done = false;
  @state() private _error: string | null = null;
  @state() private _filtersOpen = false;
  @query('.sentinel') private _sentinel!: HTMLElement | null;
  private _abort: AbortController | null = null;
  private _observer: IntersectionObserver | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
    this._observer?.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('params')) this._reset();
  }

  protected override updated(): void {
    // Infinite scroll: the next page loads once the end of the list comes into view.
    if (!this._observer && this._sentinel) {
      this._observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void this._more();
      });
      this._observer.observe(this._sentinel);
    }
  }

  private _reset() {
    this._abort?.abort();
    this._hits = [];
    this._cursor = null;
    this._done = false;
    this._error = null;
    this._loading = false;
    if (this.params.q.trim()) void this._more();
    else this._done = true;
  }

  private async _more() {
    if (this._loading || this._done || !this.params.q.trim()) return;
    this._loading = true;
    const abort = new AbortController();
    this._abort = abort;
    try {
      const r = await searchPage(this._store.api, this.params, this._cursor, abort.signal);
      if (abort.signal.aborted) return;
      const seen = new Set(this._hits.map((h) => h.ticket.id));
      this._hits = [...this._hits, ...r.hits.filter((h) => !seen.has(h.ticket.id))];
      this._cursor = r.nextCursor;
      this._done = r.nextCursor === null;
    } catch (err) {
      if (abort.signal.aborted) return;
      this._error = errorMessage(err);
      this._done = true;
    } finally {
      if (this._abort === abort) this._loading = false;
    }
    // A short page on a tall screen leaves the sentinel visible: keep going until it is not.
    await this.updateComplete;
    if (!this._done && this._sentinel && this._sentinel.getBoundingClientRect().top < window.innerHeight) void this._more();
  }

  private _set(change: Partial<SearchParams>) {
    navigate(formatRoute({ name: 'search', params: { ...this.params, ...change } }));
  }

  private _submit(e: SubmitEvent) {
    e.preventDefault();
    const q = String(new FormData(e.target as HTMLFormElement).get('q') ?? '').trim();
    this._set({ q });
  }

  /** Arrow keys (and j/k) move between results; Enter on one opens it (it is a link). */
  private _key(e: KeyboardEvent) {
    const links = [...this.renderRoot.querySelectorAll<HTMLAnchorElement>('a.hit')];
    const at = links.indexOf(e.composedPath()[0] as HTMLAnchorElement);
    const down = e.key === 'ArrowDown' || e.key === 'j';
    const up = e.key === 'ArrowUp' || e.key === 'k';
    if (at === -1 || (!down && !up)) return;
    e.preventDefault();
    const next = links[Math.max(0, Math.min(links.length - 1, at + (down ? 1 : -1)))];
    next?.focus();
    next?.scrollIntoView({ block: 'nearest' });
    if (down && at >= links.length - 3) void this._more();
  }

  private _select(label: string, value: string, choices: Array<[string, string]>, onChange: (v: string) => void) {
    return html`<div><label class="lbl">${label}<select class="field" .value=${value} @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}>
      ${choices.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
    </select></label></div>`;
  }

  private _filters() {
    const p = this.params;
    const agents = this._store.agents.filter((a) => a.id !== this._store.me.id);
    const assignees: Array<[string, string]> = [['', t('search.anyone')], ['me', t('search.me')], ['none', t('search.unassigned')], ...agents.map((a): [string, string] => [String(a.id), a.name])];
    const teams: Array<[string, string]> = [['', t('search.anyTeam')], ...this._store.teams.map((tm): [string, string] => [String(tm.id), tm.name])];
    const has = p.status || p.assignee || p.channel || p.team || p.from || p.to;
    return html`<div id="search-filters" class="filters ${this._filtersOpen ? 'open' : ''}" role="group" aria-label=${t('search.filters')}>
      ${this._select(t('filter.status'), p.status ?? '', STATUS_CHOICES.map(([v, k]) => [v, t(k)]), (v) => this._set({ status: v || undefined }))}
      ${this._select(t('search.assignee'), p.assignee ?? '', assignees, (v) => this._set({ assignee: v || undefined }))}
      ${this._select(t('search.channel'), p.channel ?? '', CHANNEL_CHOICES.map(([v, k]) => [v, t(k)]), (v) => this._set({ channel: v || undefined }))}
      ${this._select(t('search.team'), p.team ? String(p.team) : '', teams, (v) => this._set({ team: v ? Number(v) : undefined }))}
      <div><label class="lbl">${t('search.from')}<input class="field" type="date" name="from" .value=${p.from ?? ''} max=${p.to ?? ''} @change=${(e: Event) => this._set({ from: (e.target as HTMLInputElement).value || undefined })} /></label></div>
      <div><label class="lbl">${t('search.to')}<input class="field" type="date" name="to" .value=${p.to ?? ''} min=${p.from ?? ''} @change=${(e: Event) => this._set({ to: (e.target as HTMLInputElement).value || undefined })} /></label></div>
      <button class="btn ghost clear" ?disabled=${!has} @click=${() => this._set({ status: undefined, assignee: undefined, channel: undefined, team: undefined, from: undefined, to: undefined })}>${t('search.clear')}</button>
    </div>`;
  }

  private _activeFilters(): number {
    const p = this.params;
    return [p.status, p.assignee, p.channel, p.team, p.from, p.to].filter((v) => v !== undefined && v !== '').length;
  }

  private _list() {
    const q = this.params.q.trim();
    if (!q) return html`<div class="empty">${t('search.enterQuery')}</div>`;
    if (this._error) return html`<div class="empty" role="alert">${this._error}</div>`;
    if (this._done && this._hits.length === 0) return html`<div class="empty">${t('search.noneFiltered', { q })}</div>`;
    return html`
      <div class="list" role="list" aria-label=${t('search.resultList')} @keydown=${this._key}>
        ${this._hits.map((h) => html`<a role="listitem" class="hit" href=${formatRoute({ name: 'inbox', view: 'all', ticketId: h.ticket.id })}>${ticketHit(h, this._store.me.id)}</a>`)}
      </div>
      <div class="more">
        ${this._done
          ? html`<span class="end">${t('search.end')}</span>`
          : html`<button class="btn load-more" ?disabled=${this._loading} @click=${() => void this._more()}>${this._loading ? t('search.searching') : t('search.loadMore')}</button>`}
      </div>`;
  }

  override render() {
    const q = this.params.q.trim();
    return html`
      <div class="page-head"><h1>${q ? t('search.resultsFor', { q }) : t('search.resultsTitle')}</h1></div>
      <div class="bar">
        <form class="q" role="search" @submit=${this._submit}>${icon('search', 16)}<input class="field" type="search" name="q" .value=${this.params.q} aria-label=${t('search.title')} placeholder=${t('search.placeholder')} />
          <button type="button" class="btn toggle" aria-controls="search-filters" aria-expanded=${String(this._filtersOpen)} @click=${() => (this._filtersOpen = !this._filtersOpen)}>${t('search.filters')}${this._activeFilters() ? html` (${this._activeFilters()})` : ''}${icon('chevronDown', 14)}</button></form>
        ${this._filters()}
      </div>
      <div class="page-body">
        ${this._list()}
        <div class="sentinel" aria-hidden="true"></div>
      </div>`;
  }
}
