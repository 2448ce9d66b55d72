import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { formatAge, formatDateTime } from '../../shared/format.js';
import type { Contact, Ticket } from '../../shared/types.js';
import { contacts as contactApi } from '../data/api-calls.js';
import { formatRoute } from '../data/routes.js';
import { storeContext, type AppStore } from '../data/store.js';
import { identityText } from '../data/identity-text.js';
import { kindLabel } from '../data/kind-label.js';
import { channelIcon, icon } from '../icons.js';
import { base } from '../styles.js';
import { toast, toastError } from '../toast.js';
import { avatar } from './kf-avatar.js';
import { statusColor } from './pick-options.js';

function attrValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The customer beside the conversation: identities on every channel, attributes, notes, whole history. */
@customElement('kf-contact-panel')
export class KfContactPanel extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; overflow-y: auto; background: var(--kf-bg); contain: strict; }
      .top { padding: 20px 16px 14px; display: grid; justify-items: center; gap: 6px; text-align: center; border-bottom: 1px solid var(--kf-border); }
      .name { font-size: var(--kf-text-lg); font-weight: 650; max-width: 100%; }
      .sub { color: var(--kf-text-muted); font-size: var(--kf-text-sm); max-width: 100%; }
      .top .row { display: flex; gap: 6px; margin-top: 4px; }
      section { padding: 12px 16px; border-bottom: 1px solid var(--kf-border); }
      section .section-title { display: flex; align-items: center; justify-content: space-between; margin-bottom: 8px; }
      dl { display: grid; grid-template-columns: minmax(70px, auto) 1fr; gap: 6px 10px; margin: 0; font-size: var(--kf-text-sm); }
      dt { color: var(--kf-text-faint); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      dd { margin: 0; min-width: 0; word-break: break-word; }
      .ident { display: flex; align-items: center; gap: 8px; font-size: var(--kf-text-sm); min-height: 24px; color: var(--kf-text); }
      .ident .kind { color: var(--kf-text-faint); display: inline-flex; }
      .tickets a { display: grid; grid-template-columns: 16px 1fr auto; gap: 2px 8px; align-items: center; padding: 7px 8px; margin: 0 -8px; border-radius: var(--kf-radius); text-decoration: none; color: inherit; font-size: var(--kf-text-sm); }
      .tickets a:hover { background: var(--kf-bg-hover); }
      .tickets a.current { background: var(--kf-bg-selected); }
      .tickets .subj { font-weight: 500; }
      .tickets .meta { grid-column: 2 / 4; color: var(--kf-text-faint); font-size: var(--kf-text-xs); display: flex; gap: 6px; align-items: center; }
      .tickets .ch { color: var(--kf-text-faint); display: inline-flex; }
      textarea.field { min-height: 72px; font-size: var(--kf-text-sm); }
      form { display: grid; gap: 8px; }
      .attr-row { display: grid; grid-template-columns: 1fr 1.4fr 24px; gap: 4px; }
      .attr-row .field { height: 28px; font-size: var(--kf-text-sm); }
      .actions { display: flex; gap: 6px; justify-content: flex-end; }
      .link { color: var(--kf-accent); text-decoration: none; font-size: var(--kf-text-sm); }
      .unverified { display: inline-flex; align-items: center; gap: 4px; padding: 0 6px; border-radius: 999px; font-size: var(--kf-text-xs); line-height: 18px; background: var(--kf-warning-soft); color: var(--kf-warning); white-space: nowrap; }
      .claim { display: grid; gap: 6px; padding: 8px 10px; margin-top: 6px; border-radius: var(--kf-radius); background: var(--kf-bg-subtle); border: 1px solid var(--kf-border); font-size: var(--kf-text-sm); }
      .claim p { margin: 0; color: var(--kf-text-muted); }
      .claim .btn { justify-self: start; max-width: 100%; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) contact!: Contact;
  @property({ type: Number }) currentTicketId: number | null = null;
  @property({ type: Boolean }) full = false;
  @state() private _tickets: Ticket[] | null = null;
  @state() private _editing = false;
  @state() private _attrs: [string, string][] = [];
  @state() private _notes = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    const prev = changed.get('contact') as Contact | undefined;
    if (changed.has('contact') && prev?.id !== this.contact.id) {
      this._tickets = null;
      this._editing = false;
      void this._loadTickets();
    }
    if (changed.has('contact')) this._notes = this.contact.notes ?? '';
  }

  private async _loadTickets() {
    const id = this.contact.id;
    // Beside a ticket being opened, the history waits for the frame that shows the timeline: its
    // request and render would otherwise hold that frame back. The contact page has nothing else to show.
    if (!this.full) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
    if (id !== this.contact.id) return;
    try {
      const r = await contactApi.get(this._store.api, id);
      if (id === this.contact.id) this._tickets = r.tickets;
    } catch {
      if (id === this.contact.id) this._tickets = [];
    }
  }

  private async _save(body: Partial<Contact>) {
    try {
      const { contact } = await contactApi.update(this._store.api, this.contact.id, body);
      this.dispatchEvent(new CustomEvent<Contact>('contact-changed', { detail: contact, bubbles: true, composed: true }));
      toast(t('contact.saved'));
      return true;
    } catch (err) {
      toastError(err);
      return false;
    }
  }

  private _startEdit() {
    this._attrs = Object.entries(this.contact.attributes ?? {}).map(([k, v]) => [k, attrValue(v)]);
    this._editing = true;
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const attributes: Record<string, string> = {};
    for (const [k, v] of this._attrs) if (k.trim()) attributes[k.trim()] = v;
    const str = (k: string) => String(f.get(k) ?? '').trim() || null;
    if (await this._save({ name: str('name'), email: str('email'), phone: str('phone'), language: str('language'), attributes })) this._editing = false;
  }

  private async _mergeIntoOwner() {
    const owner = this.contact.emailOwner;
    if (!owner) return;
    try {
      const { contact } = await contactApi.merge(this._store.api, this.contact.id, owner.id);
      this.dispatchEvent(new CustomEvent<Contact>('contact-changed', { detail: contact, bubbles: true, composed: true }));
      toast(t('contact.merged'));
    } catch (err) {
      toastError(err);
    }
  }

  /** A typed, unproven address: marked, with the one-click merge when another contact owns it. */
  private _emailClaim(c: Contact) {
    if (!c.email || c.emailVerified) return '';
    const owner = c.emailOwner;
    const ownerName = owner ? owner.name || owner.email || `#${owner.id}` : '';
    return html`<div class="claim" data-claim>
      <div class="ident"><span class="kind">${icon('mail', 14)}</span><span class="ellipsis">${c.email}</span>
        <span class="unverified" title=${t('contact.unverifiedHint')}>${t('contact.unverified')}</span></div>
      <p>${owner ? t('contact.mergeIntoHint', { name: ownerName }) : t('contact.unverifiedHint')}</p>
      ${owner
        ? html`<button class="btn sm" data-action="merge-into-owner" @click=${this._mergeIntoOwner}>
            <span class="ellipsis">${t('contact.mergeInto', { name: ownerName })}</span></button>`
        : ''}
    </div>`;
  }

  private _saveNotes() {
    if (this._notes !== (this.contact.notes ?? '')) void this._save({ notes: this._notes });
  }

  private _editForm() {
    const c = this.contact;
    return html`<section><form @submit=${this._submit}>
      <div><label class="lbl">${t('contact.name')}</label><input class="field" name="name" .value=${c.name ?? ''} /></div>
      <div><label class="lbl">${t('contact.email')}</label><input class="field" name="email" type="email" .value=${c.email ?? ''} /></div>
      <div><label class="lbl">${t('contact.phone')}</label><input class="field" name="phone" .value=${c.phone ?? ''} /></div>
      <div><label class="lbl">${t('contact.language')}</label><input class="field" name="language" .value=${c.language ?? ''} /></div>
      <div><label class="lbl">${t('contact.attributes')}</label>
        <div style="display:grid;gap:4px">
          ${this._attrs.map(([k, v], i) => html`<div class="attr-row">
            <input class="field" aria-label=${t('contact.attrKey')} .value=${k} @input=${(e: Event) => { this._attrs[i] = [(e.target as HTMLInputElement).value, v]; }} />
            <input class="field" aria-label=${t('contact.attrValue')} .value=${v} @input=${(e: Event) => { this._attrs[i] = [this._attrs[i]?.[0] ?? k, (e.target as HTMLInputElement).value]; }} />
            <button type="button" class="icon-btn" aria-label=${t('action.remove')} @click=${() => (this._attrs = this._attrs.filter((_, j) => j !== i))}>${icon('x', 12)}</button></div>`)}
          <button type="button" class="btn sm ghost" style="justify-self:start" @click=${() => (this._attrs = [...this._attrs, ['', '']])}>${icon('plus', 12)}${t('contact.addAttribute')}</button>
        </div></div>
      <div class="actions"><button type="button" class="btn sm" @click=${() => (this._editing = false)}>${t('action.cancel')}</button><button class="btn sm primary">${t('action.save')}</button></div>
    </form></section>`;
  }

  override render() {
    const c = this.contact;
    const wechat = c.identities?.some((i) => i.kind === 'wechat') ?? false;
    const name = c.name || c.email || c.phone || t(wechat ? 'contact.wechatUser' : 'contact.anonymous');
    const attrs = Object.entries(c.attributes ?? {});
    return html`
      <div class="top">
        ${avatar(name, null, 48)}
        <div class="name ellipsis">${name}</div>
        ${c.email && c.name ? html`<div class="sub ellipsis">${c.email}${c.emailVerified ? '' : html` <span class="unverified">${t('contact.unverified')}</span>`}</div>` : ''}
        <div class="sub">${t('contact.since', { date: formatDateTime(c.createdAt) })}</div>
        <div class="row">
          ${this._editing ? '' : html`<button class="btn sm" data-action="edit-contact" @click=${this._startEdit}>${t('action.edit')}</button>`}
          ${this.full ? '' : html`<a class="btn sm" href=${formatRoute({ name: 'contacts', contactId: c.id })}>${t('contact.open')}</a>`}
        </div>
      </div>
      ${this._editing ? this._editForm() : html`
        <section>
          <div class="section-title">${t('contact.identities')}</div>
          ${c.identities.length === 0 ? html`<div class="faint" style="font-size:var(--kf-text-sm)">${t('contact.noIdentities')}</div>` : ''}
          ${c.identities.map((i) => html`<div class="ident"><span class="kind" title=${kindLabel(i.kind)}>${icon(channelIcon(i.kind === 'visitor' ? 'widget' : i.kind), 14)}</span><span class="ellipsis" title=${i.value}>${identityText(i, c.attributes ?? {})}</span></div>`)}
          ${this._emailClaim(c)}
          ${c.phone && !c.identities.some((i) => i.value === c.phone) ? html`<div class="ident"><span class="kind">${icon('phone', 14)}</span><span>${c.phone}</span></div>` : ''}
        </section>
        <section>
          <div class="section-title">${t('contact.details')}</div>
          <dl>
            <dt>${t('contact.language')}</dt><dd>${c.language || '—'}</dd>
            <dt>${t('contact.lastSeen')}</dt><dd>${c.lastSeenAt ? formatDateTime(c.lastSeenAt) : '—'}</dd>
            ${attrs.map(([k, v]) => html`<dt title=${k}>${k}</dt><dd>${attrValue(v)}</dd>`)}
          </dl>
        </section>`}
      <section>
        <label class="section-title" for="notes">${t('contact.notes')}</label>
        <textarea class="field" id="notes" placeholder=${t('contact.notesPlaceholder')} .value=${this._notes}
          @input=${(e: Event) => (this._notes = (e.target as HTMLTextAreaElement).value)} @blur=${this._saveNotes}></textarea>
      </section>
      <section class="tickets">
        <div class="section-title"><span>${t('contact.tickets')}${this._tickets ? ` · ${this._tickets.length}` : ''}</span></div>
        ${this._tickets === null ? html`<div class="faint">${t('app.loading')}</div>` : ''}
        ${(this._tickets ?? []).map((tk) => html`<a class=${tk.id === this.currentTicketId ? 'current' : ''} href=${formatRoute({ name: 'inbox', view: 'all', ticketId: tk.id })}>
          <span class="ch">${icon(channelIcon(tk.channel.kind), 14)}</span><span class="subj ellipsis">${tk.subject || tk.lastMessage?.preview || t('ticket.noSubject')}</span><span class="faint">#${tk.number}</span>
          <span class="meta"><span class="dot" style="background:${statusColor(tk.status)}"></span>${t(`status.${tk.status}`)} · ${tk.channel.name} · ${formatAge(tk.lastActivityAt)}</span></a>`)}
      </section>
    `;
  }
}
