import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { formatDateTime } from '../../shared/format.js';
import { csatFromMeta, csatLabel, csatTitle } from '../data/csat.js';
import type { Contact, Csat, LiveEvent, Message, Priority, Ticket, TicketChanges, TicketSla, TicketStatus, TimelineEvent } from '../../shared/types.js';
import { tickets as ticketApi } from '../data/api-calls.js';
import { takePrefetchedTicket } from '../data/ticket-prefetch.js';
import { EVENT_FIELDS, mergeEvents } from '../data/event-lines.js';
import type { ShortcutAction } from '../data/keyboard.js';
import { navigate } from '../data/navigate.js';
import { formatRoute } from '../data/routes.js';
import { snoozeUntil, type SnoozePreset } from '../data/snooze.js';
import { StoreController, storeContext, type AppStore } from '../data/store.js';
import { channelTitle } from '../data/kind-label.js';
import { channelIcon, icon } from '../icons.js';
import { base } from '../styles.js';
import { errorMessage, toast, toastError } from '../toast.js';
import { avatar } from './kf-avatar.js';
import { assignOptions, labelOptions, priorityOptions, remindOptions, snoozeOptions, statusColor, statusOptions } from './pick-options.js';
import type { KfComposer } from './kf-composer.js';
import './kf-ai-summary.js';
import './kf-timeline.js';
import './kf-composer.js';
import './kf-contact-panel.js';
import './kf-sla-panel.js';
import './kf-picker.js';
import './kf-ticket-dialogs.js';

/** How long the ticket on screen stays while the next one loads, before the next one's summary replaces it. */
const SUMMARY_DELAY_MS = 80;

type Menu = 'assign' | 'status' | 'priority' | 'labels' | 'snooze' | 'remind' | 'more' | null;

/** One ticket: header with actions, collision notice, timeline, composer and the contact panel. */
@customElement('kf-ticket-view')
export class KfTicketView extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: flex; min-width: 0; height: 100%; background: var(--kf-bg); }
      .main { flex: 1; min-width: 0; display: flex; flex-direction: column; container-type: inline-size; }
      header { display: flex; align-items: center; gap: 8px; padding: 0 16px; height: 56px; border-bottom: 1px solid var(--kf-border); flex: none; }
      .title { flex: 1; min-width: 0; display: flex; flex-direction: column; }
      h2 { margin: 0; font-size: var(--kf-text-lg); font-weight: 650; letter-spacing: -0.01em; }
      .sub { display: flex; align-items: center; gap: 6px; color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
      .actions { display: flex; align-items: center; gap: 4px; flex: none; }
      .wrap { position: relative; }
      .pill { display: inline-flex; align-items: center; gap: 6px; height: 28px; padding: 0 10px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); cursor: pointer; font-weight: 500; white-space: nowrap; }
      .pill:hover { background: var(--kf-bg-hover); }
      .back { display: none; }
      .toolbar { display: flex; align-items: center; gap: 6px; padding: 8px 16px; border-bottom: 1px solid var(--kf-border); flex: none; flex-wrap: wrap; background: var(--kf-bg); }
      .toolbar .chip { height: 22px; }
      .toolbar .grow { flex: 1; }
      .toolbar .csat { color: var(--kf-warning); }
      .collision { display: flex; align-items: center; gap: 8px; padding: 6px 16px; font-size: var(--kf-text-sm); background: var(--kf-warning-soft); color: var(--kf-warning); border-bottom: 1px solid var(--kf-border); }
      .collision .avatars { display: flex; }
      .collision .avatars > * { margin-right: -4px; border: 2px solid var(--kf-warning-soft); border-radius: 50%; }
      .collision.customer { background: var(--kf-accent-soft); color: var(--kf-accent); }
      kf-timeline { flex: 1; min-height: 0; }
      kf-contact-panel { width: 300px; flex: none; border-left: 1px solid var(--kf-border); }
      .state { flex: 1; display: grid; place-items: center; align-content: center; gap: 10px; color: var(--kf-text-muted); }
      .prio-urgent { color: var(--kf-urgent); }
      .prio-high { color: var(--kf-high); }
      @media (max-width: 1360px) {
        kf-contact-panel { position: absolute; right: 0; top: 0; bottom: 0; z-index: 20; box-shadow: var(--kf-shadow-lg); background: var(--kf-bg); }
        :host(:not([panel])) kf-contact-panel { display: none; }
        :host { position: relative; }
      }
      @media (min-width: 1361px) { :host([panel-hidden]) kf-contact-panel { display: none; } }
      @media (max-width: 860px) { .back { display: inline-flex; } }
      h2 .num { display: none; }
      /* A narrow ticket pane (a phone, or a desktop with the list and the contact panel beside it): the title
         keeps a whole first row (number, then subject); the actions move to the row below. */
      @container (max-width: 700px) {
        header { flex-wrap: wrap; height: auto; padding: 6px 10px 8px; gap: 4px 6px; }
        .actions { order: 1; flex: 1 1 100%; gap: 6px; }
        .actions > .icon-btn:last-child { margin-left: auto; }
        h2 .num { display: inline; color: var(--kf-text-faint); font-weight: 600; margin-right: 6px; }
      }
      @media (max-width: 700px) {
        .toolbar { padding: 6px 10px; }
        .collision { padding: 6px 10px; }
        /* A sheet over the lower part, leaving the header and its toggle to close it in reach. */
        kf-contact-panel { top: auto; width: 100%; height: 72%; overflow-y: auto; border-left: 0; border-top: 1px solid var(--kf-border); border-radius: 14px 14px 0 0; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  private readonly _sc = new StoreController(this, () => this._store);
  @property({ type: Number }) ticketId!: number;
  @property({ attribute: false }) preview: Ticket | null = null;
  @property() view = 'all';
  @state() private _ticket: Ticket | null = null;
  @state() private _messages: Message[] = [];
  @state() private _events: TimelineEvent[] = [];
  @state() private _contact: Contact | null = null;
  @state() private _csat: Csat | null = null;
  @state() private _sla: TicketSla | null = null;
  /** From the detail: false when a reply on this ticket could never leave. */
  @state() private _canReply = true;
  @state() private _error = '';
  @state() private _menu: Menu = null;
  @state() private _dialog: 'merge' | 'new' | null = null;
  @query('kf-composer') private _composer?: KfComposer;
  private _summaryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while a load is in flight. */
  private _abort?: AbortController;
  /** Live changes to the ticket that came while it was loading. */
  private _heldLive: LiveEvent[] = [];
  private readonly _onLive = (e: Event) => this._live((e as CustomEvent<LiveEvent>).detail);
  private readonly _onResumed = () => void this._load();

  override connectedCallback(): void {
    super.connectedCallback();
    this._store.addEventListener('live', this._onLive);
    this._store.addEventListener('resumed', this._onResumed);
  }
  override disconnectedCallback(): void {
    this._store.removeEventListener('live', this._onLive);
    this._store.removeEventListener('resumed', this._onResumed);
    this._store.viewTicket(null);
    this._abort?.abort();
    clearTimeout(this._summaryTimer);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticketId')) {
      this._menu = null;
      this._dialog = null;
      clearTimeout(this._summaryTimer);
      // Moving from one ticket to the next, the one on screen stays until the next is in, so the
      // timeline is laid out and painted once rather than twice; a slow answer shows the summary first.
      if (this._contact) this._summaryTimer = setTimeout(() => this._showSummary(), SUMMARY_DELAY_MS);
      else this._showSummary();
      void this._load();
      this._store.viewTicket(this.ticketId);
    }
  }

  /** The list row's summary of the ticket opened, shown until its timeline is in. */
  private _showSummary() {
    clearTimeout(this._summaryTimer);
    this._ticket = this.preview;
    this._messages = [];
    this._events = [];
    this._contact = null;
    this._csat = null;
    this._sla = null;
  }

  private async _load() {
    this._abort?.abort();
    const abort = (this._abort = new AbortController());
    this._error = '';
    this._heldLive = [];
    try {
      const r = await (takePrefetchedTicket(this.ticketId) ?? ticketApi.get(this._store.api, this.ticketId, abort.signal));
      if (abort.signal.aborted) return;
      clearTimeout(this._summaryTimer);
      this._ticket = r.ticket;
      this._messages = r.messages;
      this._events = r.events ?? [];
      this._contact = r.contact;
      this._csat = r.csat ?? null;
      this._sla = r.sla ?? null;
      this._canReply = r.replyChannel?.available ?? true;
      // Lets tests and benchmarks see which ticket's timeline is on screen.
      this.setAttribute('data-ticket', String(r.ticket.id));
      this._emitChanged(r.ticket);
    } catch (err) {
      this._heldLive = [];
      if ((err as Error).name === 'AbortError') return;
      // A refresh of a ticket already on screen keeps it there; only a first load that failed replaces it.
      if (this._contact && this._ticket?.id === this.ticketId) toastError(err);
      else {
        this._showSummary();
        this._error = errorMessage(err);
      }
    } finally {
      if (this._abort === abort) this._abort = undefined;
    }
    if (abort.signal.aborted) return;
    // Applied in order on top of the answer, they end where the last change left the ticket.
    const held = this._heldLive;
    this._heldLive = [];
    for (const ev of held) this._live(ev);
  }

  private _live(ev: LiveEvent) {
    const id = ev.ticketId ?? ev.ticket?.id ?? ev.message?.ticketId;
    if (id !== this.ticketId) return;
    // The answer on its way may have been read before this change or after: the change waits for it.
    if (this._abort) {
      this._heldLive.push(ev);
      return;
    }
    if (ev.ticket) this._ticket = ev.ticket;
    const m = ev.message;
    if (m?.meta.event === 'csat.rated' && typeof m.meta.score === 'number') {
      this._csat = csatFromMeta(m.meta, m.createdAt);
    }
    if (m && !this._messages.some((x) => x.id === m.id)) this._messages = [...this._messages, m];
    else if (m) this._messages = this._messages.map((x) => (x.id === m.id ? m : x));
    if (!ev.ticket && !m) void this._load();
    // Another ticket was merged into this one: its messages and the merge line are new here.
    else if (ev.type === 'ticket.updated' && ev.changes?.includes('messages')) void this._load();
    else if (ev.type === 'ticket.updated' && ev.changes?.some((c) => EVENT_FIELDS.has(c))) void this._loadEvents();
    if (ev.type === 'ticket.updated' && ev.changes?.includes('sla')) void this._loadSla();
  }

  /** The SLA clocks moved (a priority or policy change, a reply): only the panel is fetched again. */
  private async _loadSla() {
    const ticketId = this.ticketId;
    try {
      const r = await ticketApi.get(this._store.api, ticketId);
      if (this.ticketId === ticketId) this._sla = r.sla ?? null;
    } catch {
      // The panel keeps what it showed; the next change or reload brings it up to date.
    }
  }

  /** The changes a live update announced, fetched once they are on record: the event says what changed, not from what. */
  private async _loadEvents() {
    const ticketId = this.ticketId;
    const after = this._events[this._events.length - 1]?.id ?? 0;
    try {
      const r = await ticketApi.events(this._store.api, ticketId, after);
      if (ticketId === this.ticketId) this._events = mergeEvents(this._events, r.items);
    } catch {
      // The change itself is already on screen in the header; its line comes with the next load.
    }
  }

  /** The detail call returns the latest messages; older ones are paged from the start up to the first shown. */
  private async _loadEarlier() {
    const first = this._messages[0]?.id;
    if (first === undefined) return;
    const older: Message[] = [];
    let events: TimelineEvent[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await ticketApi.messages(this._store.api, this.ticketId, cursor);
        for (const m of page.items) if (m.id < first) older.push(m);
        events = mergeEvents(events, page.events ?? []);
        cursor = page.nextCursor ?? undefined;
        if (page.items.some((m) => m.id >= first)) break;
      } while (cursor);
      this._messages = [...older, ...this._messages];
      this._events = mergeEvents(this._events, events);
    } catch (err) {
      toastError(err);
    }
  }

  private _emitChanged(ticket: Ticket) {
    this.dispatchEvent(new CustomEvent<Ticket>('ticket-changed', { detail: ticket }));
  }

  private async _update(changes: TicketChanges, message?: string) {
    this._menu = null;
    try {
      const { ticket } = await ticketApi.update(this._store.api, this.ticketId, changes);
      this._ticket = ticket;
      this._emitChanged(ticket);
      if (message) toast(message);
      void this._store.refreshCounts();
    } catch (err) {
      toastError(err);
    }
  }

  private _assign(value: string) {
    if (value === 'none') void this._update({ assigneeId: null });
    else if (value.startsWith('agent:')) {
      const id = Number(value.slice(6));
      void this._update({ assigneeId: id }, t('ticket.assignedTo', { name: this._store.agentName(id) }));
    } else if (value.startsWith('team:')) void this._update({ teamId: Number(value.slice(5)) });
  }

  private _toggleLabel(name: string) {
    const labels = this._ticket?.labels ?? [];
    void this._update({ labels: labels.includes(name) ? labels.filter((l) => l !== name) : [...labels, name] });
    this._menu = 'labels';
  }

  private _snooze(preset: string) {
    const at = snoozeUntil(preset as SnoozePreset, Date.now(), this._store.me.timezone ?? undefined);
    void this._update({ status: 'snoozed', snoozedUntil: new Date(at).toISOString() }, t('ticket.snoozedUntil', { at: formatDateTime(at) }));
  }

  /** "Remind me": the snooze presets, as an in-app notification to this agent instead of a status change. */
  private async _remind(choice: string) {
    this._menu = null;
    const email = choice.startsWith('email:');
    const preset = (email ? choice.slice('email:'.length) : choice) as SnoozePreset;
    const at = snoozeUntil(preset, Date.now(), this._store.me.timezone ?? undefined);
    try {
      await this._store.api.post(`/tickets/${this.ticketId}/reminders`, { at: new Date(at).toISOString(), email });
      toast(t(email ? 'ticket.reminderSetEmail' : 'ticket.reminderSet', { at: formatDateTime(at) }));
    } catch (err) {
      toastError(err);
    }
  }

  /** Shortcuts that act on the open ticket. */
  handleAction(action: ShortcutAction): boolean {
    // The ticket left stays on screen for a moment after the next is chosen: act on neither meanwhile.
    if (this._ticket?.id !== this.ticketId) return false;
    switch (action) {
      case 'reply':
      case 'note':
        this._composer?.focusMode(action);
        return true;
      case 'assign':
        this._menu = 'assign';
        return true;
      case 'label':
        this._menu = 'labels';
        return true;
      case 'priority':
        this._menu = 'priority';
        return true;
      case 'snooze':
        this._menu = 'snooze';
        return true;
      case 'resolve':
        void this._update({ status: 'resolved' }, t('ticket.resolvedToast', { n: this._ticket.number }));
        return true;
      default:
        return false;
    }
  }

  /** Options are built only for the open menu; building all of them on every render would be wasted work. */
  private _picker(menu: Exclude<Menu, null>, body: () => unknown) {
    return this._menu === menu ? body() : '';
  }

  private _header(tk: Ticket) {
    const name = tk.contact.name || tk.contact.email || tk.contact.phone || t(tk.channel.kind === 'wechat' ? 'contact.wechatUser' : 'contact.anonymous');
    return html`<header>
      <a class="icon-btn back" href=${formatRoute({ name: 'inbox', view: this.view, ticketId: null })} title=${t('action.back')}>${icon('chevronLeft', 18)}</a>
      <div class="title">
        <h2 class="ellipsis" title=${tk.subject}><span class="num">#${tk.number}</span>${tk.subject || t('ticket.noSubject')}</h2>
        <span class="sub">${icon(channelIcon(tk.channel.kind), 12)}<span class="ellipsis">#${tk.number} · ${channelTitle(tk.channel)} · ${name} · ${formatDateTime(tk.createdAt)}</span></span>
      </div>
      <div class="actions">
        <kf-ai-summary .ticketId=${tk.id}></kf-ai-summary>
        <span class="wrap">
          <button class="pill" data-action="status" @click=${() => (this._menu = 'status')}><span class="dot" style="background:${statusColor(tk.status)}"></span>${t(`status.${tk.status}`)}${icon('chevronDown', 14)}</button>
          ${this._picker('status', () => html`<kf-picker align="right" .options=${statusOptions(tk.status)} @pick=${(e: CustomEvent<string>) => void this._update({ status: e.detail as TicketStatus })} @close=${() => (this._menu = null)}></kf-picker>`)}
        </span>
        <span class="wrap">
          <button class="btn primary" data-action="resolve" ?hidden=${tk.status === 'resolved' || tk.status === 'closed'} @click=${() => this.handleAction('resolve')} title="e">${icon('check', 14)}${t('action.resolve')}</button>
        </span>
        <span class="wrap">
          <button class="icon-btn" title=${t('action.snooze')} @click=${() => (this._menu = 'snooze')}>${icon('clock', 18)}</button>
          ${this._picker('snooze', () => html`<kf-picker align="right" .options=${snoozeOptions(this._store.me.timezone ?? undefined)} @pick=${(e: CustomEvent<string>) => this._snooze(e.detail)} @close=${() => (this._menu = null)}></kf-picker>`)}
        </span>
        <span class="wrap">
          <button class="icon-btn" data-action="remind" title=${t('action.remind')} aria-label=${t('action.remind')} @click=${() => (this._menu = 'remind')}>${icon('bell', 18)}</button>
          ${this._picker('remind', () => html`<kf-picker align="right" .options=${remindOptions(this._store.me.timezone ?? undefined)} @pick=${(e: CustomEvent<string>) => void this._remind(e.detail)} @close=${() => (this._menu = null)}></kf-picker>`)}
        </span>
        <span class="wrap">
          <button class="icon-btn" data-action="more" title=${t('action.more')} @click=${() => (this._menu = 'more')}>${icon('more', 18)}</button>
          ${this._picker('more', () => html`<kf-picker align="right" .options=${[
            { value: 'merge', label: t('ticket.merge'), lead: icon('merge', 16) },
            { value: 'new', label: t('ticket.newForContact'), lead: icon('plus', 16) },
          ]} @pick=${(e: CustomEvent<string>) => (this._dialog = e.detail as 'merge' | 'new')} @close=${() => (this._menu = null)}></kf-picker>`)}
        </span>
        <button class="icon-btn" data-action="contact-panel" title=${t('contact.toggle')} @click=${this._togglePanel}>${icon('sidebar', 18)}</button>
      </div>
    </header>`;
  }

  /**
   * The newest message from the customer or an agent, which a reply being written could collide with;
   * null while the timeline is not in (the composer must not take an empty timeline as "seen nothing").
   */
  /** Changes whenever a reply's delivery does: a WeChat reply leaving takes a place in its window. */
  private _deliveryKey(): string {
    return this._messages
      .slice(-10)
      .map((m) => (m.delivery ? `${m.id}:${m.delivery.status}:${m.delivery.error ?? ''}` : ''))
      .join('|');
  }

  private _lastConversationId(): number | null {
    if (!this._contact) return null;
    for (let i = this._messages.length - 1; i >= 0; i--) {
      const m = this._messages[i];
      if (m && (m.kind === 'inbound' || m.kind === 'outbound')) return m.id;
    }
    return 0;
  }

  /** Focus goes back to where the dialog was opened from, not to the top of the page. */
  private _closeDialog() {
    this._dialog = null;
    (this.renderRoot.querySelector('[data-action=more]') as HTMLElement | null)?.focus();
  }

  private _togglePanel() {
    // Wide screens show the contact panel unless hidden; narrower ones overlay it on demand.
    if (matchMedia('(min-width: 1361px)').matches) this.toggleAttribute('panel-hidden');
    else this.toggleAttribute('panel');
  }

  private _toolbar(tk: Ticket) {
    return html`<div class="toolbar">
      <span class="wrap">
        <button class="pill" data-action="assign" @click=${() => (this._menu = 'assign')}>
          ${tk.assignee ? html`${avatar(tk.assignee.name, null, 18)}<span>${tk.assignee.name}</span>` : html`${icon('unassigned', 16)}<span class="muted">${t('assign.nobody')}</span>`}
          ${tk.team ? html`<span class="faint">· ${tk.team.name}</span>` : ''}
        </button>
        ${this._picker('assign', () => html`<kf-picker filterable .options=${assignOptions(this._store, { assigneeId: tk.assignee?.id ?? null, teamId: tk.team?.id ?? null })} @pick=${(e: CustomEvent<string>) => this._assign(e.detail)} @close=${() => (this._menu = null)}></kf-picker>`)}
      </span>
      <span class="wrap">
        <button class="pill prio-${tk.priority}" data-action="priority" @click=${() => (this._menu = 'priority')}>${icon('flag', 14)}<span>${t(`priority.${tk.priority}`)}</span></button>
        ${this._picker('priority', () => html`<kf-picker .options=${priorityOptions(tk.priority)} @pick=${(e: CustomEvent<string>) => void this._update({ priority: e.detail as Priority })} @close=${() => (this._menu = null)}></kf-picker>`)}
      </span>
      <span class="wrap">
        <button class="pill" data-action="labels" @click=${() => (this._menu = 'labels')}>${icon('tag', 14)}${tk.labels.length ? '' : html`<span class="muted">${t('action.label')}</span>`}
          ${tk.labels.map((l) => html`<span class="chip">${l}</span>`)}</button>
        ${this._picker('labels', () => html`<kf-picker filterable multi .options=${labelOptions(this._store, tk.labels)} @pick=${(e: CustomEvent<string>) => this._toggleLabel(e.detail)} @close=${() => (this._menu = null)}></kf-picker>`)}
      </span>
      <span class="grow"></span>
      ${this._csat
        ? html`<span class="chip csat" data-csat=${this._csat.score} data-csat-source=${this._csat.source ?? 'widget'} title=${csatTitle(this._csat)}>${icon('star', 12)}${csatLabel(this._csat)}</span>`
        : ''}
      ${tk.bot?.active ? html`<span class="chip" data-bot="active" title=${t('bot.handling')}>${icon('chat', 12)}${t('bot.chipActive')}</span>` : ''}
      ${tk.bot?.deflected ? html`<span class="chip" data-bot="deflected" title=${t('bot.solved')}>${icon('check', 12)}${t('bot.chipSolved')}</span>` : ''}
      ${tk.status === 'snoozed' && tk.snoozedUntil ? html`<span class="chip">${icon('clock', 12)}${formatDateTime(tk.snoozedUntil)}</span>` : ''}
    </div>`;
  }

  private _collision() {
    const viewers = this._store.viewers.get(this.ticketId) ?? [];
    const typing = this._store.typing.get(this.ticketId);
    const replying = viewers.filter((v) => v.replying || typing?.get(v.id) === 'reply');
    const customer = this._store.customerTyping.has(this.ticketId)
      ? html`<div class="collision customer" role="status">${icon('chat', 14)}<span>${t('collision.customerTyping')}</span></div>`
      : '';
    if (viewers.length === 0 && !typing?.size) return customer;
    const names = viewers.map((v) => v.name).join(', ');
    const text = replying.length
      ? t('collision.replying', { names: replying.map((v) => v.name).join(', ') })
      : t('collision.viewing', { names: names || [...(typing?.keys() ?? [])].map((id) => this._store.agentName(id)).join(', ') });
    return html`${customer}<div class="collision" role="status">
      <span class="avatars">${viewers.slice(0, 4).map((v) => avatar(v.name, null, 20))}</span>${icon(replying.length ? 'alert' : 'eye', 14)}<span>${text}</span>
    </div>`;
  }

  override render() {
    const tk = this._ticket;
    // Opened from the list, the row's summary is at hand, but without the detail there is no timeline to show.
    if (this._error && !this._contact) {
      return html`<div class="state" role="alert">${icon('alert', 24)}<span>${this._error}</span><button class="btn sm" @click=${() => void this._load()}>${t('action.retry')}</button></div>`;
    }
    if (!tk) return html`<div class="state">${t('app.loading')}</div>`;
    const typing = this._store.typing.get(this.ticketId);
    const others = [
      ...new Set([
        ...(this._store.viewers.get(this.ticketId) ?? []).filter((v) => v.replying).map((v) => v.name),
        ...[...(typing?.entries() ?? [])].filter(([, mode]) => mode === 'reply').map(([id]) => this._store.agentName(id)),
      ]),
    ].filter(Boolean);
    return html`
      <div class="main">
        ${this._header(tk)} ${this._toolbar(tk)} <kf-sla-panel .sla=${this._sla}></kf-sla-panel> ${this._collision()}
        <kf-timeline .messages=${this._messages} .events=${this._events} .ticket=${tk} .loading=${this._messages.length === 0 && !this._contact}
          .hasEarlier=${this._contact !== null && tk.messageCount > this._messages.length} @load-earlier=${() => void this._loadEarlier()}></kf-timeline>
        <kf-composer .ticket=${tk} .contact=${this._contact} .canReply=${this._canReply} .othersReplying=${others} .lastMessageId=${this._lastConversationId()} .deliveryKey=${this._deliveryKey()}
          @sent=${(e: CustomEvent<{ message: Message; ticket: Ticket }>) => {
            if (!this._messages.some((m) => m.id === e.detail.message.id)) this._messages = [...this._messages, e.detail.message];
            this._ticket = e.detail.ticket;
            this._emitChanged(e.detail.ticket);
            void this._store.refreshCounts();
          }}></kf-composer>
      </div>
      ${this._contact ? html`<kf-contact-panel .contact=${this._contact} .currentTicketId=${tk.id} @contact-changed=${(e: CustomEvent<Contact>) => (this._contact = e.detail)}></kf-contact-panel>` : ''}
      ${this._dialog
        ? html`<kf-ticket-dialog .kind=${this._dialog} .ticket=${tk} .contact=${this._contact} @close=${this._closeDialog}
            @done=${(e: CustomEvent<Ticket>) => { this._dialog = null; navigate(formatRoute({ name: 'inbox', view: this.view, ticketId: e.detail.id })); }}></kf-ticket-dialog>`
        : ''}
    `;
  }
}
