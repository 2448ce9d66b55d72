import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { LANGUAGES, t } from '../../shared/i18n/i18n.js';
import { formatShortDateTime } from '../../shared/format.js';
import { kb, KB_STATUSES, type KbArticleSummary, type KbCategory, type KbFilters } from '../data/kb.js';
import { formatRoute, type KbArticleRef } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { errorMessage } from '../toast.js';
import { page } from './page-styles.js';
import { statusLabel } from './kb-labels.js';
import './kf-kb-editor.js';

/** The knowledge base section: the article list with its filters, or one article's editor. */
@customElement('kf-kb')
export class KfKb extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .filters { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 16px; }
      .filters .field { width: auto; min-width: 140px; }
      .filters .q { flex: 1 1 220px; }
      td.title { width: 100%; max-width: 0; font-weight: 500; }
      td.title a { color: inherit; text-decoration: none; display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .status { font-size: var(--kf-text-xs); padding: 2px 8px; border-radius: 999px; background: var(--kf-bg-sunken); white-space: nowrap; }
      .status.published { background: var(--kf-accent-soft); color: var(--kf-accent); }
      .status.archived { color: var(--kf-text-faint); }
      td.meta { white-space: nowrap; color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      @media (max-width: 700px) { .hide-phone { display: none; } .page-head .btn.primary { font-size: 0; gap: 0; padding: 0 8px; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) article: KbArticleRef = null;
  @state() private _items: KbArticleSummary[] = [];
  @state() private _categories: KbCategory[] = [];
  @state() private _filters: KbFilters = {};
  @state() private _error = '';
  @state() private _loaded = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('article') && this.article === null) void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._timer);
  }

  private async _load() {
    try {
      const [items, categories] = await Promise.all([kb.list(this._store.api, this._filters), kb.categories(this._store.api)]);
      this._items = items;
      this._categories = categories;
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
    this._loaded = true;
  }

  private _filter(change: Partial<KbFilters>, debounce = false) {
    this._filters = { ...this._filters, ...change };
    clearTimeout(this._timer);
    if (debounce) this._timer = setTimeout(() => void this._load(), 250);
    else void this._load();
  }

  private _categoryName(id: number | null): string {
    const c = this._categories.find((x) => x.id === id);
    return c ? (c.names[this._store.me.language] ?? c.name) : '';
  }

  override render() {
    if (this.article !== null) return html`<kf-kb-editor .ref=${this.article}></kf-kb-editor>`;
    const f = this._filters;
    const value = (e: Event) => (e.target as HTMLInputElement | HTMLSelectElement).value;
    return html`<div class="page-head"><h1>${t('nav.kb')}</h1>
        ${this._store.canManage
          ? html`<a class="btn primary" href=${formatRoute({ name: 'kb', article: { new: true } })}>${icon('plus', 14)}${t('kb.new')}</a>`
          : ''}</div>
      <div class="page-body">
        <div class="filters" role="search">
          <input class="field q" type="search" aria-label=${t('kb.search')} placeholder=${t('kb.search')} .value=${f.q ?? ''}
            @input=${(e: Event) => this._filter({ q: value(e) || undefined }, true)} />
          <select class="field" aria-label=${t('kb.locale')} @change=${(e: Event) => this._filter({ locale: value(e) || undefined })}>
            <option value="">${t('kb.allLocales')}</option>
            ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${f.locale === l.code}>${l.label}</option>`)}
          </select>
          <select class="field" aria-label=${t('kb.status')} @change=${(e: Event) => this._filter({ status: value(e) || undefined })}>
            <option value="">${t('kb.allStatuses')}</option>
            ${KB_STATUSES.map((s) => html`<option value=${s} ?selected=${f.status === s}>${statusLabel(s)}</option>`)}
          </select>
          <select class="field" aria-label=${t('kb.category')} @change=${(e: Event) => this._filter({ categoryId: Number(value(e)) || undefined })}>
            <option value="">${t('kb.allCategories')}</option>
            ${this._categories.map((c) => html`<option value=${c.id} ?selected=${f.categoryId === c.id}>${this._categoryName(c.id)}</option>`)}
          </select>
        </div>
        <div class="panel">
          ${this._error ? html`<div class="empty" role="alert">${this._error}</div>` : ''}
          <table>
            <thead><tr><th>${t('kb.title')}</th><th>${t('kb.locale')}</th><th>${t('kb.status')}</th><th class="hide-phone">${t('kb.category')}</th><th class="hide-phone">${t('kb.views')}</th><th class="hide-phone">${t('kb.updated')}</th></tr></thead>
            <tbody>${this._items.map((a) => html`<tr>
              <td class="title"><a href=${formatRoute({ name: 'kb', article: a.id })}>${a.title}</a></td>
              <td class="meta">${LANGUAGES.find((l) => l.code === a.locale)?.label ?? a.locale}</td>
              <td><span class="status ${a.status}">${statusLabel(a.status)}</span></td>
              <td class="meta hide-phone">${this._categoryName(a.categoryId)}</td>
              <td class="meta num hide-phone">${a.views}</td>
              <td class="meta hide-phone">${formatShortDateTime(a.updatedAt)}</td></tr>`)}</tbody>
          </table>
          ${this._loaded && this._items.length === 0 && !this._error ? html`<div class="empty">${t('kb.empty')}</div>` : ''}
        </div>
      </div>`;
  }
}
