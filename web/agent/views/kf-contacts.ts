import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { formatAge } from '../../shared/format.js';
import type { Contact } from '../../shared/types.js';
import { contacts as contactApi } from '../data/api-calls.js';
import { formatRoute } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base, modal } from '../styles.js';
import { errorMessage, toast, toastError } from '../toast.js';
import { avatar } from '../components/kf-avatar.js';
import '../components/kf-contact-panel.js';
import { page } from './page-styles.js';
import { navigate } from '../data/navigate.js';

/** The contact list and a contact's own page (edit, merge, erase). */
@customElement('kf-contacts')
export class KfContacts extends LitElement {
  static override styles = [
    base,
    modal,
    page,
    css`
      .search { width: 280px; }
      .layout { display: grid; grid-template-columns: minmax(300px, 380px) 1fr; gap: 20px; align-items: start; }
      /* Beside a ticket the panel is a fixed-size scroller (contain: strict); on this page it grows with its
         content, or size containment would give it no height at all in the grid. */
      .layout kf-contact-panel { border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); overflow: hidden; contain: content; }
      .danger-zone { display: grid; gap: 10px; }
      .res { display: flex; align-items: center; gap: 10px; padding: 8px; border: 1px solid transparent; border-radius: var(--kf-radius); background: transparent; cursor: pointer; text-align: left; width: 100%; }
      .res:hover { background: var(--kf-bg-hover); }
      .res[aria-pressed='true'] { border-color: var(--kf-accent); background: var(--kf-accent-soft); }
      @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
      /* Phone: the search takes the room left beside the title, and the new-contact button keeps only its icon
         (its text stays its accessible name). */
      @media (max-width: 700px) {
        .page-head h1 { flex: none; }
        .search { width: auto; flex: 1 1 0; min-width: 0; }
        .page-head .btn.primary { font-size: 0; gap: 0; padding: 0 8px; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) contactId: number | null = null;
  @state() private _items: Contact[] = [];
  @state() private _cursor: string | null = null;
  @state() private _q = '';
  @state() private _error = '';
  @state() private _contact: Contact | null = null;
  @state() private _dialog: 'merge' | 'erase' | 'new' | null = null;
  @state() private _mergeResults: Contact[] = [];
  @state() private _mergeTarget: Contact | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('contactId')) {
      this._dialog = null;
      if (this.contactId === null) void this._list();
      else void this._loadContact();
    }
  }

  protected override updated(changed: PropertyValues): void {
    // Fields rendered into an open page never get the autofocus a page load gives them.
    if (changed.has('_dialog') && this._dialog) this.renderRoot.querySelector<HTMLElement>('[autofocus]')?.focus();
  }

  private async _list(more = false) {
    try {
      const r = await contactApi.list(this._store.api, this._q, more ? (this._cursor ?? undefined) : undefined);
      this._items = more ? [...this._items, ...r.items] : r.items;
      this._cursor = r.nextCursor;
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _loadContact() {
    this._contact = null;
    try {
      this._contact = (await contactApi.get(this._store.api, this.contactId as number)).contact;
      this._error = '';
    } catch (err) {
      this._error = errorMessage(err);
    }
  }

  private async _searchMerge(q: string) {
    try {
      const r = await contactApi.list(this._store.api, q);
      this._mergeResults = r.items.filter((c) => c.id !== this._contact?.id);
    } catch (err) {
      toastError(err);
    }
  }

  private async _merge() {
    if (!this._contact || !this._mergeTarget) return;
    try {
      const { contact } = await contactApi.merge(this._store.api, this._contact.id, this._mergeTarget.id);
      toast(t('contactMerge.done'));
      navigate(formatRoute({ name: 'contacts', contactId: contact.id }));
    } catch (err) {
      toastError(err);
    }
  }

  private async _erase() {
    if (!this._contact) return;
    try {
      await contactApi.erase(this._store.api, this._contact.id);
      toast(t('contactErase.done'));
      navigate('#/contacts');
    } catch (err) {
      toastError(err);
    }
  }

  private async _create(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const str = (k: string) => String(f.get(k) ?? '').trim() || undefined;
    try {
      const { contact } = await contactApi.create(this._store.api, { name: str('name'), email: str('email'), phone: str('phone') } as Partial<Contact>);
      navigate(formatRoute({ name: 'contacts', contactId: contact.id }));
    } catch (err) {
      toastError(err);
    }
  }

  private _dialogView() {
    const close = () => (this._dialog = null);
    if (this._dialog === 'new') {
      return html`<div class="backdrop" @click=${(e: Event) => e.target === e.currentTarget && close()}><form class="dialog" @submit=${this._create}>
        <header><h2>${t('contacts.new')}</h2></header>
        <div class="content">
          <div><label class="lbl">${t('contact.name')}</label><input class="field" name="name" autofocus /></div>
          <div><label class="lbl">${t('contact.email')}</label><input class="field" name="email" type="email" /></div>
          <div><label class="lbl">${t('contact.phone')}</label><input class="field" name="phone" /></div>
        </div>
        <footer><button type="button" class="btn" @click=${close}>${t('action.cancel')}</button><button class="btn primary">${t('action.create')}</button></footer>
      </form></div>`;
    }
    const c = this._contact;
    if (!c) return '';
    if (this._dialog === 'erase') {
      return html`<div class="backdrop" @click=${(e: Event) => e.target === e.currentTarget && close()}><div class="dialog" role="alertdialog">
        <header><h2>${t('contactErase.title')}</h2></header>
        <div class="content"><p style="margin:0">${t('contactErase.body', { name: c.name ?? c.email ?? '' })}</p></div>
        <footer><button class="btn" @click=${close}>${t('action.cancel')}</button><button class="btn primary" style="background:var(--kf-danger);border-color:var(--kf-danger)" @click=${this._erase}>${t('contactErase.confirm')}</button></footer>
      </div></div>`;
    }
    return html`<div class="backdrop" @click=${(e: Event) => e.target === e.currentTarget && close()}><div class="dialog" role="dialog">
      <header><h2>${t('contactMerge.title')}</h2></header>
      <div class="content">
        <input class="field" autofocus placeholder=${t('contacts.search')} @input=${(e: Event) => {
          clearTimeout(this._timer);
          const q = (e.target as HTMLInputElement).value;
          this._timer = setTimeout(() => void this._searchMerge(q), 200);
        }} />
        <div style="display:grid;gap:2px;max-height:240px;overflow-y:auto">
          ${this._mergeResults.map((r) => html`<button class="res" aria-pressed=${this._mergeTarget?.id === r.id} @click=${() => (this._mergeTarget = r)}>
            ${avatar(r.name ?? r.email, null, 24)}<span class="ellipsis">${r.name || r.email} <span class="faint">${r.email ?? ''}</span></span></button>`)}
        </div>
        ${this._mergeTarget ? html`<div class="faint">${t('contactMerge.explain', { from: c.name ?? c.email ?? '', into: this._mergeTarget.name ?? this._mergeTarget.email ?? '' })}</div>` : ''}
      </div>
      <footer><button class="btn" @click=${close}>${t('action.cancel')}</button><button class="btn primary" ?disabled=${!this._mergeTarget} @click=${this._merge}>${t('contactMerge.confirm')}</button></footer>
    </div></div>`;
  }

  private _detail() {
    const c = this._contact;
    if (this._error) return html`<div class="empty" role="alert">${this._error}</div>`;
    if (!c) return html`<div class="empty">${t('app.loading')}</div>`;
    return html`<div class="layout">
      <kf-contact-panel full .contact=${c} @contact-changed=${(e: CustomEvent<Contact>) => (this._contact = e.detail)}></kf-contact-panel>
      <div>
        <div class="panel"><h2>${t('contactMerge.title')}</h2><p class="desc">${t('contactMerge.hint')}</p>
          <div class="body"><button class="btn" @click=${() => { this._mergeTarget = null; this._mergeResults = []; this._dialog = 'merge'; void this._searchMerge(''); }}>${icon('merge', 14)}${t('contactMerge.start')}</button></div></div>
        <div class="panel"><h2>${t('contactErase.title')}</h2><p class="desc">${t('contactErase.hint')}</p>
          <div class="body"><button class="btn danger" @click=${() => (this._dialog = 'erase')}>${t('contactErase.start')}</button></div></div>
      </div>
    </div>`;
  }

  private _listView() {
    if (this._error) return html`<div class="empty" role="alert">${this._error}</div>`;
    return html`<table>
      <thead><tr><th>${t('contact.name')}</th><th>${t('contact.email')}</th><th>${t('contact.phone')}</th><th>${t('contact.tickets')}</th><th>${t('contact.lastSeen')}</th></tr></thead>
      <tbody>${this._items.map((c) => html`<tr class="link" @click=${() => navigate(formatRoute({ name: 'contacts', contactId: c.id }))}>
        <td><span class="who">${avatar(c.name ?? c.email, null, 26)}<span class="ellipsis">${c.name || c.email || t('contact.anonymous')}</span></span></td>
        <td class="muted">${c.email ?? ''}</td><td class="muted">${c.phone ?? ''}</td><td class="num">${c.ticketCount}</td>
        <td class="faint">${c.lastSeenAt ? formatAge(c.lastSeenAt) : ''}</td></tr>`)}</tbody>
    </table>
    ${this._items.length === 0 ? html`<div class="empty">${t('contacts.empty')}</div>` : ''}
    ${this._cursor ? html`<div style="text-align:center;padding:16px"><button class="btn" @click=${() => void this._list(true)}>${t('action.loadMore')}</button></div>` : ''}`;
  }

  override render() {
    const detail = this.contactId !== null;
    return html`
      <div class="page-head">
        ${detail ? html`<a class="icon-btn" href="#/contacts" aria-label=${t('action.back')}>${icon('chevronLeft', 18)}</a>` : ''}
        <h1>${detail ? (this._contact?.name || this._contact?.email || t('nav.contacts')) : t('nav.contacts')}</h1>
        ${detail ? '' : html`<input class="field search" type="search" placeholder=${t('contacts.search')} .value=${this._q}
            @input=${(e: Event) => { this._q = (e.target as HTMLInputElement).value; clearTimeout(this._timer); this._timer = setTimeout(() => void this._list(), 200); }} />
          <button class="btn primary" @click=${() => (this._dialog = 'new')}>${icon('plus', 14)}${t('contacts.new')}</button>`}
      </div>
      <div class="page-body">${detail ? this._detail() : this._listView()}</div>
      ${this._dialog ? this._dialogView() : ''}
    `;
  }
}
