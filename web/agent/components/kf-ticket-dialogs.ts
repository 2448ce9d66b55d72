import { LitElement, html, css } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import type { Contact, Ticket } from '../../shared/types.js';
import { tickets as ticketApi } from '../data/api-calls.js';
import { onEscape } from '../data/escape-stack.js';
import { storeContext, type AppStore } from '../data/store.js';
import { channelIcon, icon } from '../icons.js';
import { base, modal } from '../styles.js';
import { toast, toastError } from '../toast.js';

/** Merge this ticket into another, or start a new ticket for the same contact. */
@customElement('kf-ticket-dialog')
export class KfTicketDialog extends LitElement {
  static override styles = [
    base,
    modal,
    css`
      /* A modal <dialog> sits in the top layer: it covers the whole window whatever pane opened it. */
      dialog.layer { box-sizing: border-box; width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; padding: 12vh 16px 16px; border: 0; background: transparent; }
      dialog.layer[open] { display: flex; align-items: flex-start; justify-content: center; }
      dialog.layer::backdrop { background: rgba(10, 10, 16, 0.42); }
      .results { display: grid; gap: 2px; max-height: 260px; overflow-y: auto; }
      .res { display: grid; grid-template-columns: 18px 1fr auto; gap: 8px; align-items: center; padding: 8px; border: 1px solid transparent; border-radius: var(--kf-radius); background: transparent; text-align: left; cursor: pointer; }
      .res:hover { background: var(--kf-bg-hover); }
      .res[aria-pressed='true'] { border-color: var(--kf-accent); background: var(--kf-accent-soft); }
      .res .num { color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
      .warn { padding: 8px 10px; border-radius: var(--kf-radius); background: var(--kf-warning-soft); color: var(--kf-warning); font-size: var(--kf-text-sm); }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property() kind: 'merge' | 'new' = 'merge';
  @property({ attribute: false }) ticket!: Ticket;
  @property({ attribute: false }) contact: Contact | null = null;
  @state() private _results: Ticket[] = [];
  @state() private _target: Ticket | null = null;
  @state() private _busy = false;
  @query('dialog') private _layer?: HTMLDialogElement;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _offEscape?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.kind === 'merge') void this._search('');
  }

  override firstUpdated(): void {
    // Modal: the page under it is inert, and focus moves to the dialog's autofocus field.
    this._layer?.showModal();
    this._offEscape = onEscape(() => this._close());
  }

  override disconnectedCallback(): void {
    this._offEscape?.();
    clearTimeout(this._timer);
    super.disconnectedCallback();
  }

  private _close() {
    this._offEscape?.();
    this._offEscape = undefined;
    this._layer?.close();
    this.dispatchEvent(new Event('close'));
  }

  private async _search(q: string) {
    try {
      const query: Record<string, string | number> = { view: 'all', status: 'open,pending,snoozed', limit: 20 };
      if (/^#?\d+$/.test(q.trim())) query.q = q.trim().replace('#', '');
      else if (q.trim()) query.q = q.trim();
      else query.contact = this.ticket.contact.id;
      let items = (await ticketApi.list(this._store.api, query)).items.filter((x) => x.id !== this.ticket.id);
      // Without a query, suggest the customer's other tickets first, then the most recent ones.
      if (!q.trim() && items.length === 0) {
        delete query.contact;
        items = (await ticketApi.list(this._store.api, query)).items.filter((x) => x.id !== this.ticket.id);
      }
      this._results = items;
    } catch (err) {
      toastError(err);
    }
  }

  private async _merge() {
    if (!this._target) return;
    this._busy = true;
    try {
      const { ticket } = await ticketApi.merge(this._store.api, this.ticket.id, this._target.id);
      toast(t('merge.done', { from: this.ticket.number, into: this._target.number }));
      this.dispatchEvent(new CustomEvent<Ticket>('done', { detail: ticket }));
    } catch (err) {
      toastError(err);
    } finally {
      this._busy = false;
    }
  }

  private async _create(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    this._busy = true;
    try {
      const { ticket } = await ticketApi.create(this._store.api, {
        contactId: this.ticket.contact.id,
        subject: String(f.get('subject')),
        text: String(f.get('text')),
        channel: this.ticket.channel,
      });
      toast(t('newTicket.done', { n: ticket.number }));
      this.dispatchEvent(new CustomEvent<Ticket>('done', { detail: ticket }));
    } catch (err) {
      toastError(err);
    } finally {
      this._busy = false;
    }
  }

  private _mergeBody() {
    return html`<div class="content">
        <input class="field" autofocus placeholder=${t('merge.search')} @input=${(e: Event) => {
          clearTimeout(this._timer);
          const q = (e.target as HTMLInputElement).value;
          this._timer = setTimeout(() => void this._search(q), 200);
        }} />
        <div class="results" role="listbox">
          ${this._results.length === 0 ? html`<div class="faint">${t('picker.empty')}</div>` : ''}
          ${this._results.map((r) => html`<button class="res" aria-pressed=${this._target?.id === r.id} @click=${() => (this._target = r)}>
            ${icon(channelIcon(r.channel.kind), 14)}<span class="ellipsis">${r.subject || t('ticket.noSubject')} <span class="faint">· ${r.contact.name ?? ''}</span></span><span class="num">#${r.number}</span></button>`)}
        </div>
        ${this._target ? html`<div class="warn">${t('merge.explain', { from: this.ticket.number, into: this._target.number })}</div>` : ''}
      </div>
      <footer><button class="btn" @click=${this._close}>${t('action.cancel')}</button>
        <button class="btn primary" data-action="confirm-merge" ?disabled=${!this._target || this._busy} @click=${this._merge}>${t('contactMerge.confirm')}</button></footer>`;
  }

  private _newBody() {
    const who = this.contact?.name ?? this.ticket.contact.name ?? this.ticket.contact.email ?? '';
    return html`<form @submit=${this._create} style="display:contents">
      <div class="content">
        <div class="faint">${t('newTicket.for', { name: who, channel: this.ticket.channel.name })}</div>
        <div><label class="lbl" for="subject">${t('composer.subject')}</label><input class="field" id="subject" name="subject" required autofocus /></div>
        <div><label class="lbl" for="text">${t('newTicket.message')}</label><textarea class="field" id="text" name="text" rows="6" required></textarea></div>
      </div>
      <footer><button type="button" class="btn" @click=${this._close}>${t('action.cancel')}</button><button class="btn primary" ?disabled=${this._busy}>${t('newTicket.create')}</button></footer>
    </form>`;
  }

  override render() {
    // Esc comes through the shell (innermost first); the dialog's own cancel would close it behind our back.
    return html`<dialog class="layer" aria-labelledby="dlg-title" @click=${(e: Event) => e.target === e.currentTarget && this._close()}
      @cancel=${(e: Event) => { e.preventDefault(); this._close(); }}>
      <div class="dialog">
        <header><h2 id="dlg-title">${this.kind === 'merge' ? t('merge.title', { n: this.ticket.number }) : t('ticket.newForContact')}</h2>
          <button class="icon-btn" aria-label=${t('action.close')} @click=${this._close}>${icon('x', 16)}</button></header>
        ${this.kind === 'merge' ? this._mergeBody() : this._newBody()}
      </div>
    </dialog>`;
  }
}
