import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { directory } from '../data/api-calls.js';
import { kb, type ReplySuggestions } from '../data/kb.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base, popover } from '../styles.js';
import { toastError } from '../toast.js';

/** Text for the composer to insert at the caret. */
export type SuggestionEvent = CustomEvent<{ text: string }>;

type Item = { kind: 'article'; id: number; title: string; url: string | null } | { kind: 'canned'; id: number; title: string };

/** How many suggestions show; Alt+1 … Alt+4 insert them. */
const MAX = 4;

/**
 * Knowledge base articles and canned replies that match the customer's last message, above the
 * composer. An article goes in as a link (or, from its menu, as text); a canned reply with its
 * placeholders filled. Refetched when a new message arrives.
 */
@customElement('kf-reply-suggestions')
export class KfReplySuggestions extends LitElement {
  static override styles = [
    base,
    popover,
    css`
      :host { display: block; }
      .row { display: flex; align-items: center; gap: 6px; padding: 6px 12px 0; flex-wrap: wrap; position: relative; }
      .label { font-size: var(--kf-text-xs); color: var(--kf-text-faint); font-weight: 500; }
      .s { display: inline-flex; align-items: center; gap: 4px; max-width: 260px; height: 24px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: 12px; background: var(--kf-bg); color: var(--kf-text); font-size: var(--kf-text-xs); cursor: pointer; }
      .s:hover { background: var(--kf-bg-hover); }
      .s .n { color: var(--kf-text-faint); font-variant-numeric: tabular-nums; }
      .pop { top: 100%; margin-top: 4px; left: 12px; min-width: 200px; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) ticketId = 0;
  /** The newest message on the ticket: a new one may change what fits. */
  @property({ attribute: false }) lastMessageId: number | null = null;
  @state() private _items: Item[] = [];
  @state() private _menu: number | null = null;
  private _abort: AbortController | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('ticketId') || changed.has('lastMessageId')) && this.ticketId) void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
  }

  private async _load() {
    this._abort?.abort();
    const abort = (this._abort = new AbortController());
    try {
      const s: ReplySuggestions = await kb.suggestions(this._store.api, this.ticketId, abort.signal);
      const articles: Item[] = s.articles.map((a) => ({ kind: 'article', id: a.id, title: a.title, url: a.url }));
      const canned: Item[] = s.cannedReplies.map((c) => ({ kind: 'canned', id: c.id, title: c.title }));
      // Articles and replies alternate, so both kinds show even when one has many matches.
      const mixed: Item[] = [];
      for (let i = 0; mixed.length < MAX && (i < articles.length || i < canned.length); i++) {
        if (articles[i]) mixed.push(articles[i]!);
        if (canned[i] && mixed.length < MAX) mixed.push(canned[i]!);
      }
      if (!abort.signal.aborted) this._items = mixed;
    } catch {
      // Suggestions are a help, not a requirement: the composer works without them.
      if (!abort.signal.aborted) this._items = [];
    }
  }

  /** Inserts the n-th suggestion (1-based), an article as its link; false when there is none. */
  pick(n: number): boolean {
    const item = this._items[n - 1];
    if (!item) return false;
    void this._use(item, 'link');
    return true;
  }

  private async _use(item: Item, as: 'link' | 'text') {
    this._menu = null;
    try {
      let text: string;
      if (item.kind === 'canned') text = (await directory.renderCanned(this._store.api, item.id, this.ticketId)).text;
      else if (as === 'link' && item.url) text = `${item.title}: ${new URL(item.url, location.origin).href}`;
      else text = (await kb.get(this._store.api, item.id)).text;
      this.dispatchEvent(new CustomEvent('suggestion', { detail: { text }, bubbles: true, composed: true }));
    } catch (err) {
      toastError(err);
    }
  }

  override render() {
    if (this._items.length === 0) return '';
    const m = this._menu;
    return html`<div class="row" role="group" aria-label=${t('suggest.label')}>
      <span class="label">${t('suggest.label')}</span>
      ${this._items.map((item, i) => html`<button class="s" data-kind=${item.kind} title=${t('suggest.keyHint', { n: i + 1 })}
          aria-haspopup=${item.kind === 'article' ? 'menu' : 'false'}
          @click=${() => (item.kind === 'article' ? (this._menu = m === i ? null : i) : void this._use(item, 'text'))}>
          ${icon(item.kind === 'article' ? 'file' : 'bolt', 12)}<span class="ellipsis">${item.title}</span><span class="n">${i + 1}</span></button>`)}
      ${m !== null && this._items[m]?.kind === 'article'
        ? html`<div class="pop menu" role="menu">
            <button class="item" role="menuitem" data-as="link" ?disabled=${!(this._items[m] as { url: string | null }).url} @click=${() => void this._use(this._items[m]!, 'link')}>${t('suggest.asLink')}</button>
            <button class="item" role="menuitem" data-as="text" @click=${() => void this._use(this._items[m]!, 'text')}>${t('suggest.asText')}</button>
          </div>`
        : ''}
    </div>`;
  }
}
