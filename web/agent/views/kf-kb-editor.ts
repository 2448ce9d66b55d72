import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { consume } from '@lit/context';
import { LANGUAGES, t } from '../../shared/i18n/i18n.js';
import { formatShortDateTime } from '../../shared/format.js';
import type { Language } from '../../shared/types.js';
import { tickets } from '../data/api-calls.js';
import { imageMarkdown, kb, KB_STATUSES, type KbArticle, type KbCategory, type KbRevision, type KbStatus } from '../data/kb.js';
import { navigate } from '../data/navigate.js';
import { formatRoute, type KbArticleRef } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { toast, toastError } from '../toast.js';
import { page } from './page-styles.js';
import { statusLabel } from './kb-labels.js';

interface Draft {
  title: string;
  body: string;
  locale: Language;
  status: KbStatus;
  categoryId: number | null;
  questions: string;
}

const emptyDraft = (locale: Language): Draft => ({ title: '', body: '', locale, status: 'draft', categoryId: null, questions: '' });

/**
 * One article: markdown with a preview rendered by the server (the same sanitiser the help
 * center uses), alternative questions, category, status, its translations and revisions.
 * Agents who may not write see it read-only.
 */
@customElement('kf-kb-editor')
export class KfKbEditor extends LitElement {
  static override styles = [
    base,
    page,
    css`
      .layout { display: grid; grid-template-columns: minmax(0, 1fr) 300px; gap: 16px; align-items: start; }
      .main { display: grid; gap: 12px; }
      .split { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
      textarea.md { font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); min-height: 360px; }
      .preview { border: 1px solid var(--kf-border); border-radius: var(--kf-radius); padding: 4px 14px; min-height: 360px; overflow: auto; background: var(--kf-bg); line-height: 1.6; }
      .preview img { max-width: 100%; }
      .preview-label { display: flex; align-items: center; gap: 8px; }
      .side { display: grid; gap: 16px; }
      .side .panel { margin: 0; }
      .side .body { display: grid; gap: 10px; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); }
      .tr { display: flex; align-items: center; gap: 8px; font-size: var(--kf-text-sm); }
      .tr a { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .rev { display: flex; align-items: center; gap: 8px; font-size: var(--kf-text-sm); padding: 6px 0; border-bottom: 1px solid var(--kf-border); }
      .rev:last-child { border-bottom: 0; }
      .rev .who { flex: 1; min-width: 0; display: block; font-weight: 400; }
      .counters { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; font-size: var(--kf-text-sm); color: var(--kf-text-muted); }
      .counters b { color: var(--kf-text); font-variant-numeric: tabular-nums; }
      .actions { display: flex; gap: 8px; justify-content: flex-end; align-items: center; flex-wrap: wrap; }
      @media (max-width: 1100px) { .layout { grid-template-columns: 1fr; } }
      @media (max-width: 800px) { .split { grid-template-columns: 1fr; } textarea.md, .preview { min-height: 200px; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) ref: KbArticleRef = null;
  @state() private _article: KbArticle | null = null;
  @state() private _draft: Draft = emptyDraft('en');
  @state() private _categories: KbCategory[] = [];
  @state() private _revisions: KbRevision[] = [];
  @state() private _preview = '';
  @state() private _saving = false;
  private _previewTimer: ReturnType<typeof setTimeout> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ref')) void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._previewTimer);
  }

  private get _canWrite(): boolean {
    return this._store.canManage;
  }

  private async _load() {
    const api = this._store.api;
    try {
      this._categories = await kb.categories(api);
      const ref = this.ref;
      if (typeof ref === 'number') {
        const a = await kb.get(api, ref);
        this._setArticle(a);
        this._revisions = await kb.revisions(api, ref);
      } else if (ref !== null) {
        const locale = (LANGUAGES.find((l) => l.code === ref.locale)?.code ?? this._store.me.language) as Language;
        this._article = null;
        this._revisions = [];
        this._draft = emptyDraft(locale);
        if (ref.translationOf) {
          const source = await kb.get(api, ref.translationOf);
          this._draft = { ...this._draft, categoryId: source.categoryId };
        }
        this._preview = '';
      }
    } catch (err) {
      toastError(err);
    }
  }

  private _setArticle(a: KbArticle) {
    this._article = a;
    this._draft = { title: a.title, body: a.body, locale: a.locale, status: a.status, categoryId: a.categoryId, questions: a.questions.join('\n') };
    this._preview = a.html;
  }

  private _edit(change: Partial<Draft>) {
    this._draft = { ...this._draft, ...change };
    if (change.body !== undefined) {
      clearTimeout(this._previewTimer);
      this._previewTimer = setTimeout(() => void this._renderPreview(), 300);
    }
  }

  private async _renderPreview() {
    try {
      this._preview = await kb.preview(this._store.api, this._draft.body);
    } catch {
      // The preview is a convenience; saving reports real errors.
    }
  }

  private async _save(e: SubmitEvent) {
    e.preventDefault();
    const d = this._draft;
    const body = {
      title: d.title.trim(),
      body: d.body,
      status: d.status,
      categoryId: d.categoryId,
      questions: d.questions.split('\n').map((q) => q.trim()).filter((q) => q !== ''),
    };
    this._saving = true;
    try {
      const api = this._store.api;
      const ref = this.ref;
      if (typeof ref === 'number') {
        this._setArticle(await kb.update(api, ref, body));
        this._revisions = await kb.revisions(api, ref);
      } else {
        const translationOf = ref !== null && ref.translationOf ? ref.translationOf : undefined;
        const created = await kb.create(api, { ...body, locale: d.locale, translationOf });
        navigate(formatRoute({ name: 'kb', article: created.id }));
      }
      toast(t('kb.saved'));
    } catch (err) {
      toastError(err);
    } finally {
      this._saving = false;
    }
  }

  private async _restore(r: KbRevision) {
    if (!this._article || !confirm(t('kb.confirmRestore', { date: formatShortDateTime(r.createdAt) }))) return;
    try {
      this._setArticle(await kb.restore(this._store.api, this._article.id, r.id));
      this._revisions = await kb.revisions(this._store.api, this._article.id);
      toast(t('kb.restored'));
    } catch (err) {
      toastError(err);
    }
  }

  private async _newCategory() {
    const name = prompt(t('kb.categoryName'))?.trim();
    if (!name) return;
    try {
      const c = await kb.createCategory(this._store.api, name);
      this._categories = [...this._categories, c];
      this._edit({ categoryId: c.id });
    } catch (err) {
      toastError(err);
    }
  }

  private async _image(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    try {
      const { attachment } = await tickets.upload(this._store.api, file);
      const area = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.md');
      const at = area?.selectionStart ?? this._draft.body.length;
      const body = this._draft.body;
      this._edit({ body: `${body.slice(0, at)}\n${imageMarkdown(attachment)}\n${body.slice(at)}` });
    } catch (err) {
      toastError(err);
    }
  }

  private _categoryLabel(c: KbCategory): string {
    return c.names[this._store.me.language] ?? c.name;
  }

  private _side(a: KbArticle | null) {
    const translations = a ? a.translations : [];
    const missing = a ? LANGUAGES.filter((l) => l.code !== a.locale && !translations.some((x) => x.locale === l.code)) : [];
    return html`<div class="side">
      ${a
        ? html`<section class="panel"><h2>${t('kb.stats')}</h2><div class="body"><div class="counters">
            <span>${t('kb.views')} <b>${a.views}</b></span>
            <span>${t('kb.helpful')} <b>${a.helpful}</b></span>
            <span>${t('kb.notHelpful')} <b>${a.notHelpful}</b></span>
            <span>${t('kb.botUsed')} <b>${a.botUsed}</b></span></div>
            ${a.url ? html`<a href=${a.url} target="_blank" rel="noopener">${t('kb.viewPublic')}</a>` : html`<span class="hint">${t('kb.notPublic')}</span>`}</div></section>
          <section class="panel"><h2>${t('kb.translations')}</h2><div class="body">
            ${translations.map((x) => html`<div class="tr"><a href=${formatRoute({ name: 'kb', article: x.id })}>${x.title}</a><span class="chip">${LANGUAGES.find((l) => l.code === x.locale)?.label}</span></div>`)}
            ${translations.length === 0 ? html`<span class="hint">${t('kb.noTranslations')}</span>` : ''}
            ${this._canWrite
              ? missing.map((l) => html`<a class="btn sm" href=${formatRoute({ name: 'kb', article: { new: true, translationOf: a.id, locale: l.code } })}>${icon('plus', 12)}${t('kb.addTranslation', { language: l.label })}</a>`)
              : ''}</div></section>
          <section class="panel"><h2>${t('kb.revisions')}</h2><div class="body">
            ${this._revisions.map((r, i) => html`<div class="rev"><span class="who">${r.agent?.name ?? '—'}<br /><span class="hint">${formatShortDateTime(r.createdAt)}</span></span>
              ${i > 0 && this._canWrite ? html`<button type="button" class="btn sm" @click=${() => void this._restore(r)}>${t('kb.restore')}</button>` : html`<span class="hint">${i === 0 ? t('kb.current') : ''}</span>`}</div>`)}
          </div></section>`
        : ''}
    </div>`;
  }

  override render() {
    const a = this._article;
    const d = this._draft;
    const ro = !this._canWrite;
    const isNew = typeof this.ref !== 'number';
    return html`<div class="page-head">
        <a class="btn ghost sm" href=${formatRoute({ name: 'kb', article: null })} aria-label=${t('kb.back')}>${icon('chevronLeft', 16)}</a>
        <h1 class="ellipsis">${isNew ? t('kb.new') : (a?.title ?? '')}</h1>
      </div>
      <div class="page-body"><div class="layout">
        <form class="panel" @submit=${this._save}><div class="body main">
          <div><label class="lbl" for="kb-title">${t('kb.title')}</label>
            <input class="field" id="kb-title" name="title" required maxlength="300" ?readonly=${ro} .value=${d.title} @input=${(e: Event) => this._edit({ title: (e.target as HTMLInputElement).value })} /></div>
          <div class="form-grid">
            <div><label class="lbl" for="kb-locale">${t('kb.locale')}</label>
              <select class="field" id="kb-locale" ?disabled=${ro || !isNew} @change=${(e: Event) => this._edit({ locale: (e.target as HTMLSelectElement).value as Language })}>
                ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${d.locale === l.code}>${l.label}</option>`)}</select></div>
            <div><label class="lbl" for="kb-status">${t('kb.status')}</label>
              <select class="field" id="kb-status" ?disabled=${ro} @change=${(e: Event) => this._edit({ status: (e.target as HTMLSelectElement).value as KbStatus })}>
                ${KB_STATUSES.map((s) => html`<option value=${s} ?selected=${d.status === s}>${statusLabel(s)}</option>`)}</select></div>
            <div><label class="lbl" for="kb-category">${t('kb.category')}</label>
              <div style="display:flex;gap:6px"><select class="field" id="kb-category" ?disabled=${ro} @change=${(e: Event) => this._edit({ categoryId: Number((e.target as HTMLSelectElement).value) || null })}>
                <option value="">${t('kb.noCategory')}</option>
                ${this._categories.map((c) => html`<option value=${c.id} ?selected=${d.categoryId === c.id}>${c.parentId ? '— ' : ''}${this._categoryLabel(c)}</option>`)}</select>
                ${ro ? '' : html`<button type="button" class="btn" title=${t('kb.newCategory')} aria-label=${t('kb.newCategory')} @click=${() => void this._newCategory()}>${icon('plus', 14)}</button>`}</div></div>
          </div>
          <div class="split">
            <div><div class="preview-label"><label class="lbl" for="kb-body" style="flex:1">${t('kb.body')}</label>
              ${ro ? '' : html`<label class="btn sm ghost">${icon('paperclip', 14)}${t('kb.insertImage')}<input type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden @change=${this._image} /></label>`}</div>
              <textarea class="field md" id="kb-body" ?readonly=${ro} .value=${d.body} @input=${(e: Event) => this._edit({ body: (e.target as HTMLTextAreaElement).value })}></textarea>
              <div class="hint">${t('kb.markdownHint')}</div></div>
            <div><span class="lbl">${t('kb.preview')}</span><div class="preview" aria-live="polite">${unsafeHTML(this._preview)}</div></div>
          </div>
          <div><label class="lbl" for="kb-questions">${t('kb.questions')}</label>
            <textarea class="field" id="kb-questions" rows="4" ?readonly=${ro} .value=${d.questions} @input=${(e: Event) => this._edit({ questions: (e.target as HTMLTextAreaElement).value })}></textarea>
            <div class="hint">${t('kb.questionsHint')}</div></div>
          ${ro ? html`<div class="hint">${t('kb.readOnly')}</div>` : html`<div class="actions"><button class="btn primary" ?disabled=${this._saving}>${t('action.save')}</button></div>`}
        </div></form>
        ${this._side(a)}
      </div></div>`;
  }
}
