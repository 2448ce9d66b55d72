import { LitElement, html, css } from 'lit';
import { customElement, state, query } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { t } from '../../shared/i18n/i18n.js';
import type { SearchResults } from '../../shared/types.js';
import { search } from '../data/api-calls.js';
import { formatRoute } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base, modal } from '../styles.js';
import { errorMessage } from '../toast.js';
import { avatar } from './kf-avatar.js';
import { navigate } from '../data/navigate.js';
import { hitStyles, snippet, ticketHit } from './search-hit.js';

export { snippet } from './search-hit.js';

interface Hit {
  href: string;
  key: string;
}

/** Global search over tickets and contacts (`/` or Ctrl+K): the best few, and a way to all of them. */
@customElement('kf-search')
export class KfSearch extends LitElement {
  static override styles = [
    base,
    modal,
    hitStyles,
    css`
      .backdrop { padding-top: 10vh; }
      .dialog { width: 680px; }
      .input { display: flex; align-items: center; gap: 10px; padding: 0 16px; height: 52px; border-bottom: 1px solid var(--kf-border); color: var(--kf-text-faint); }
      .input input { flex: 1; border: 0; outline: none; background: transparent; font-size: var(--kf-text-lg); color: var(--kf-text); height: 100%; min-width: 0; }
      .results { overflow-y: auto; padding: 6px; }
      .group { padding: 10px 10px 4px; }
      a.contact { grid-template-columns: 28px minmax(0, 1fr) auto; }
      /* Pinned to the bottom of the list so the way to every result shows however many hits there are. */
      a.all { position: sticky; bottom: -6px; display: flex; align-items: center; gap: 10px; padding: 10px; border-radius: var(--kf-radius); color: var(--kf-accent); text-decoration: none; font-weight: 500; border-top: 1px solid var(--kf-border); margin-top: 4px; background: var(--kf-bg-elevated); }
      a.all.active, a.all:hover { background: var(--kf-bg-hover); }
      a.all .grow { flex: 1; min-width: 0; }
      .state { padding: 28px; text-align: center; color: var(--kf-text-faint); }
      .foot { display: flex; flex-wrap: wrap; gap: 6px 14px; padding: 8px 16px; border-top: 1px solid var(--kf-border); color: var(--kf-text-faint); font-size: var(--kf-text-xs); background: var(--kf-bg-subtle); }
      .foot span { display: inline-flex; gap: 4px; align-items: center; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _q = '';
  @state() private _active = 0;
  @query('input') private _input!: HTMLInputElement;
  @state() private _debounced = '';
  private _timer: ReturnType<typeof setTimeout> | undefined;

  private readonly _task = new Task(this, {
    task: async ([q], { signal }) => (q.trim().length ? search(this._store.api, q.trim(), signal) : null),
    args: () => [this._debounced] as const,
  });

  override firstUpdated(): void {
    this._input.focus();
  }

  private _close() {
    this.dispatchEvent(new Event('close'));
  }

  private _typed(e: Event) {
    this._q = (e.target as HTMLInputElement).value;
    this._active = 0;
    clearTimeout(this._timer);
    this._timer = setTimeout(() => (this._debounced = this._q), 180);
  }

  private _allHref(): string {
    return formatRoute({ name: 'search', params: { q: this._q.trim() } });
  }

  private _hits(r: SearchResults | null): Hit[] {
    if (!r) return [];
    return [
      ...r.hits.map((x) => ({ key: `t${x.ticket.id}`, href: formatRoute({ name: 'inbox', view: 'all', ticketId: x.ticket.id }) })),
      ...r.contacts.map((x) => ({ key: `c${x.contact.id}`, href: formatRoute({ name: 'contacts', contactId: x.contact.id }) })),
      { key: 'all', href: this._allHref() },
    ];
  }

  private _open(href: string) {
    navigate(href);
    this._close();
  }

  private _key(e: KeyboardEvent, hits: Hit[]) {
    if (e.key === 'ArrowDown') this._active = Math.min(hits.length - 1, this._active + 1);
    else if (e.key === 'ArrowUp') this._active = Math.max(0, this._active - 1);
    else if (e.key === 'Enter' && (e.shiftKey || e.ctrlKey || e.metaKey)) {
      if (this._q.trim()) this._open(this._allHref());
    } else if (e.key === 'Enter') {
      const h = hits[this._active];
      if (h) this._open(h.href);
      else if (this._q.trim()) this._open(this._allHref());
    } else if (e.key === 'Escape') this._close();
    else return;
    e.preventDefault();
    e.stopPropagation();
    void this.updateComplete.then(() => this.renderRoot.querySelector('.active')?.scrollIntoView({ block: 'nearest' }));
  }

  private _results(r: SearchResults | null) {
    if (!r) return html`<div class="state">${t('search.hint')}</div>`;
    let i = 0;
    const cls = (kind: string) => (i++ === this._active ? `${kind} active` : kind);
    const none = !r.hits.length && !r.contacts.length;
    return html`
      ${none ? html`<div class="state">${t('search.none', { q: this._debounced })}</div>` : ''}
      ${r.hits.length ? html`<div class="group section-title">${t('search.tickets')}</div>` : ''}
      ${r.hits.map((x) => html`<a class=${cls('hit')} href=${formatRoute({ name: 'inbox', view: 'all', ticketId: x.ticket.id })} @click=${this._close}>${ticketHit(x, this._store.me.id)}</a>`)}
      ${r.contacts.length ? html`<div class="group section-title">${t('search.contacts')}</div>` : ''}
      ${r.contacts.map((x) => html`<a class=${cls('hit contact')} href=${formatRoute({ name: 'contacts', contactId: x.contact.id })} @click=${this._close}>
        <span class="lead">${avatar(x.contact.name ?? x.contact.email, null, 24)}</span><span class="title ellipsis">${x.contact.name || x.contact.email || t('contact.anonymous')}</span><span class="num">${x.contact.email ?? ''}</span>
        <span class="snip ellipsis">${snippet(x.snippet)}</span></a>`)}
      <a class=${cls('all')} href=${this._allHref()} @click=${this._close}>${icon('search', 16)}<span class="grow ellipsis">${t('search.seeAll')}</span><span class="kbd">⇧</span><span class="kbd">↵</span></a>
    `;
  }

  override render() {
    const value = this._task.value ?? null;
    const hits = this._hits(this._debounced.trim() ? value : null);
    return html`<div class="backdrop" @click=${(e: Event) => e.target === e.currentTarget && this._close()}>
      <div class="dialog" role="dialog" aria-modal="true" aria-label=${t('search.title')}>
        <div class="input">${icon('search', 18)}<input type="search" placeholder=${t('search.placeholder')} aria-label=${t('search.title')} .value=${this._q}
          @input=${this._typed} @keydown=${(e: KeyboardEvent) => this._key(e, hits)} /></div>
        <div class="results">
          ${this._task.render({
            initial: () => this._results(null),
            pending: () => (value ? this._results(this._debounced.trim() ? value : null) : html`<div class="state">${t('search.searching')}</div>`),
            complete: (r) => this._results(r),
            error: (err) => html`<div class="state" role="alert">${errorMessage(err)}</div>`,
          })}
        </div>
        <div class="foot"><span><span class="kbd">↑</span><span class="kbd">↓</span>${t('search.navigate')}</span><span><span class="kbd">↵</span>${t('search.open')}</span><span><span class="kbd">⇧</span><span class="kbd">↵</span>${t('search.seeAllHint')}</span><span><span class="kbd">Esc</span>${t('action.close')}</span></div>
      </div>
    </div>`;
  }
}
