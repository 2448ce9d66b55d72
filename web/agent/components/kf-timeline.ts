import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { formatDateTime, formatDay, formatSize, formatTime } from '../../shared/format.js';
import type { Attachment, Message, Ticket, TimelineEvent } from '../../shared/types.js';
import { groupPlaces, isChatLike, type GroupPlace } from '../data/chat-groups.js';
import { onEscape } from '../data/escape-stack.js';
import { eventLines } from '../data/event-lines.js';
import type { LinePart } from '../data/line-parts.js';
import { splitQuotedText } from '../data/quoted.js';
import { systemParts } from '../data/system-text.js';
import { storeContext, type AppStore } from '../data/store.js';
import { channelTitle } from '../data/kind-label.js';
import { channelIcon, icon } from '../icons.js';
import { isHeldReply, wechatErrcodeText } from '../data/wechat.js';
import { base } from '../styles.js';
import { avatar } from './kf-avatar.js';
import './kf-email-frame.js';

/** Splits note text so `@Name` mentions of known agents can be emphasised without any HTML. */
export function mentionParts(text: string, names: readonly string[]): { text: string; mention: boolean }[] {
  const sorted = [...names].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!sorted.length) return [{ text, mention: false }];
  const esc = sorted.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const re = new RegExp(`@(?:${esc.join('|')})`, 'g');
  const parts: { text: string; mention: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index), mention: false });
    parts.push({ text: m[0], mention: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: false });
  return parts;
}

export type TimelineEntry =
  | { kind: 'message'; message: Message; day: string }
  | { kind: 'events'; events: TimelineEvent[]; day: string };

/**
 * Messages (in id order) with the ticket's changes put where they happened: a change goes after every
 * message written up to its time, so "send and resolve" shows the reply first. Changes in a row on one
 * day form one group of lines.
 */
export function interleave(messages: readonly Message[], events: readonly TimelineEvent[], dayOf: (iso: string) => string): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  let group: Extract<TimelineEntry, { kind: 'events' }> | null = null;
  const pushEvent = (e: TimelineEvent) => {
    const day = dayOf(e.at);
    if (group && group.day === day) group.events.push(e);
    else out.push((group = { kind: 'events', events: [e], day }));
  };
  let j = 0;
  for (const m of messages) {
    const at = Date.parse(m.createdAt);
    for (let e = events[j]; e && Date.parse(e.at) < at; e = events[++j]) pushEvent(e);
    group = null;
    out.push({ kind: 'message', message: m, day: dayOf(m.createdAt) });
  }
  for (let e = events[j]; e; e = events[++j]) pushEvent(e);
  return out;
}

const partsHtml = (parts: readonly LinePart[]) => parts.map((p) => (typeof p === 'string' ? p : html`<span class="who">${p.value}</span>`));

/** Timeline entries rendered in a newly opened ticket's first frame: more than a tall screen holds. */
const FIRST_PAINT_ENTRIES = 12;

/** The ticket's whole conversation, oldest first, kept scrolled to the end as messages arrive. */
@customElement('kf-timeline')
export class KfTimeline extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; overflow-y: auto; background: var(--kf-bg-subtle); contain: strict; }
      .inner { max-width: 860px; margin: 0 auto; padding: 20px 24px 28px; display: grid; gap: 14px; }
      .day { display: flex; align-items: center; gap: 10px; color: var(--kf-text-faint); font-size: var(--kf-text-xs); font-weight: 600; margin: 6px 0 -2px; }
      .day::before, .day::after { content: ''; flex: 1; border-top: 1px solid var(--kf-border); }
      /* Messages scrolled out of view are not styled, laid out or painted: a 50-message ticket opens
         at the cost of the few on screen. The padding keeps the card's shadow inside the paint
         containment that comes with it; the negative margin gives the space back. */
      .msg { display: grid; grid-template-columns: 32px 1fr; gap: 10px; content-visibility: auto; contain-intrinsic-size: auto 110px; margin: -4px -3px; padding: 4px 3px; }
      /* A chat message that continues its author's run: no avatar or name again, a compact bubble. */
      .msg.cont { margin-top: -14px; contain-intrinsic-size: auto 40px; }
      .cont .body { padding: 6px 14px; }
      .cont .files { padding-top: 6px; }
      /* Text and its time share a line when there is room; on a narrow screen the time goes under the text. */
      .line { display: flex; flex-wrap: wrap; align-items: flex-end; min-width: 0; }
      .line .body { flex: 1 1 14em; min-width: 0; }
      .stamp { margin-left: auto; display: inline-flex; align-items: center; gap: 6px; padding: 0 12px 7px 8px; color: var(--kf-text-faint); font-size: var(--kf-text-xs); white-space: nowrap; }
      .stamp:empty { display: none; }
      /* A provider's error can be long: it wraps inside the stamp instead of pushing the time out of the card. */
      .stamp { max-width: 100%; min-width: 0; flex-wrap: wrap; justify-content: flex-end; }
      .stamp .delivery { white-space: normal; min-width: 0; }
      .stamp .delivery .ellipsis { white-space: normal; overflow-wrap: anywhere; }
      .card { min-width: 0; border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg); box-shadow: var(--kf-shadow-sm); }
      .outbound .card, .bot .card { background: var(--kf-outbound-bg); }
      .note .card { background: var(--kf-note-bg); border-color: var(--kf-note-border); border-style: dashed; }
      .head { display: flex; align-items: center; gap: 8px; padding: 9px 14px 0; min-width: 0; }
      .author { font-weight: 600; }
      .badge { display: inline-flex; align-items: center; gap: 4px; height: 18px; padding: 0 6px; border-radius: 9px; font-size: var(--kf-text-xs); font-weight: 600; background: var(--kf-bg-sunken); color: var(--kf-text-muted); }
      .note .badge { background: var(--kf-note-border); color: var(--kf-text); }
      .via { display: inline-flex; align-items: center; gap: 4px; color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
      .time { margin-left: auto; color: var(--kf-text-faint); font-size: var(--kf-text-sm); white-space: nowrap; }
      .body { padding: 6px 14px 12px; white-space: pre-wrap; word-break: break-word; line-height: 1.55; }
      .frame { padding: 8px 8px 10px; }
      .mention { color: var(--kf-accent); font-weight: 600; }
      .quoted { color: var(--kf-text-muted); border-left: 3px solid var(--kf-border-strong); padding-left: 10px; margin-top: 6px; }
      .fold { height: 20px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: 10px; background: var(--kf-bg-subtle); color: var(--kf-text-muted); font-size: var(--kf-text-xs); cursor: pointer; margin-top: 6px; }
      .files { display: flex; flex-wrap: wrap; gap: 8px; padding: 0 14px 12px; }
      .thumb { display: block; width: 132px; height: 96px; border-radius: var(--kf-radius); overflow: hidden; border: 1px solid var(--kf-border); background: var(--kf-bg-sunken); }
      .thumb img { width: 100%; height: 100%; object-fit: cover; }
      .file { display: inline-flex; align-items: center; gap: 8px; height: 36px; padding: 0 10px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); color: var(--kf-text); text-decoration: none; max-width: 260px; }
      .file .size { color: var(--kf-text-faint); font-size: var(--kf-text-sm); }
      .delivery { display: inline-flex; align-items: center; gap: 4px; font-size: var(--kf-text-xs); color: var(--kf-text-faint); }
      .delivery.failed { color: var(--kf-danger); font-weight: 600; }
      .delivery.delivered { color: var(--kf-success); }
      .delivery.held { color: var(--kf-warning); font-weight: 600; }
      .delivery.read { color: var(--kf-accent); font-weight: 600; }
      .delivery.retrying { color: var(--kf-warning); }
      .delivery .ellipsis { max-width: 340px; }
      .skipped { display: grid; gap: 4px; padding: 0 14px 12px; }
      .skip { display: flex; align-items: flex-start; gap: 6px; color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .skip svg { margin-top: 3px; color: var(--kf-warning); }
      .system { display: flex; align-items: center; justify-content: center; gap: 6px; color: var(--kf-text-faint); font-size: var(--kf-text-sm); text-align: center; }
      .system .who { color: var(--kf-text-muted); font-weight: 600; }
      .system .time { margin-left: 4px; }
      .events { display: grid; gap: 6px; }
      .earlier { justify-self: center; height: 26px; padding: 0 12px; border: 1px solid var(--kf-border); border-radius: 13px; background: var(--kf-bg); color: var(--kf-text-muted); font-size: var(--kf-text-sm); cursor: pointer; }
      .earlier:hover { background: var(--kf-bg-hover); }
      .empty { padding: 40px; text-align: center; color: var(--kf-text-faint); }
      /* A modal <dialog>: the top layer is outside this element's containment, so it covers the window. */
      .lightbox { box-sizing: border-box; width: 100vw; height: 100vh; max-width: none; max-height: none; margin: 0; padding: 4vh 4vw; border: 0; background: transparent; cursor: zoom-out; }
      .lightbox[open] { display: grid; place-items: center; }
      .lightbox::backdrop { background: rgba(0, 0, 0, 0.75); }
      .lightbox img { max-width: 92vw; max-height: 92vh; border-radius: var(--kf-radius); background: #fff; }
      .lightbox .close { position: fixed; top: 12px; right: 12px; width: 36px; height: 36px; border: 0; border-radius: 50%; background: rgba(255, 255, 255, 0.14); color: #fff; display: grid; place-items: center; cursor: pointer; }
      .lightbox .close:hover, .lightbox .close:focus-visible { background: rgba(255, 255, 255, 0.28); }
      /* Phone: the name keeps its width and the time and delivery status wrap under it. */
      @media (max-width: 700px) {
        .inner { padding: 12px 10px 16px; gap: 12px; }
        .msg { gap: 8px; }
        .head { flex-wrap: wrap; row-gap: 2px; padding: 8px 12px 0; }
        .author { flex: none; max-width: 100%; }
        .body { padding: 6px 12px 10px; }
        .files { padding: 0 12px 10px; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) messages: Message[] = [];
  /** The ticket's changes (assigned, status, ...) over the span of `messages`, in id order. */
  @property({ attribute: false }) events: TimelineEvent[] = [];
  @property({ attribute: false }) ticket!: Ticket;
  @property({ type: Boolean }) loading = false;
  @property({ type: Boolean }) hasEarlier = false;
  private _heightBefore: number | null = null;
  private _anchor: { id: number; top: number } | null = null;
  @state() private _openQuotes = new Set<number>();
  @state() private _lightbox: Attachment | null = null;
  /** The thumbnail that opened the lightbox, which gets focus back when it closes. */
  private _lightboxFrom: HTMLElement | null = null;
  private _offEscape?: () => void;
  private _stick = true;
  private _resize?: ResizeObserver;
  /** Only the newest entries are rendered, the rest waiting for the frame that shows them to be painted. */
  @state() private _newestOnly = false;
  private _restFrame = 0;
  private _restTimer: ReturnType<typeof setTimeout> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // The composer growing, an email frame sizing itself or images loading must not hide the newest message.
    this._resize = new ResizeObserver(() => this._pin());
    this._resize.observe(this);
    this.addEventListener('scroll', this._onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    this._offEscape?.();
    cancelAnimationFrame(this._restFrame);
    clearTimeout(this._restTimer);
    this._resize?.disconnect();
    this.removeEventListener('scroll', this._onScroll);
    super.disconnectedCallback();
  }

  private readonly _onScroll = () => {
    this._stick = this.scrollHeight - this.scrollTop - this.clientHeight < 120;
  };

  private _observedInner: Element | null = null;

  /** The loading and loaded states render different `.inner` elements: watch whichever is current. */
  private _observeInner(): void {
    const inner = this.renderRoot.querySelector('.inner');
    if (!inner || inner === this._observedInner) return;
    if (this._observedInner) this._resize?.unobserve(this._observedInner);
    this._resize?.observe(inner);
    this._observedInner = inner;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages')) {
      const prev = changed.get('messages') as Message[] | undefined;
      const sameTicket = prev && prev.length > 0 && prev[0]?.ticketId === this.messages[0]?.ticketId;
      // Stay pinned to the newest message unless the agent scrolled up to read history.
      if (!sameTicket) {
        this._stick = true;
        this._paintNewestFirst();
      }
      // Older messages were put in front: keep the reader's place instead of jumping.
      else if (prev[0]?.id !== this.messages[0]?.id) {
        this._heightBefore = this.scrollHeight;
        // The message that was first can lose its header, joining the run of the ones put before it:
        // its own place on screen is what the reader keeps, not the height of everything above it.
        const el = this.renderRoot.querySelector(`article[data-message-id="${prev[0]?.id}"]`);
        this._anchor = el ? { id: prev[0]?.id ?? 0, top: el.getBoundingClientRect().top } : null;
      }
    }
  }

  /**
   * A newly opened ticket shows its newest entries, which fill the screen, in the first frame, and
   * the older ones (up to 50 messages) in a task after that frame: building and laying out those
   * off screen would hold back the ones the agent reads. Scroll anchoring keeps the view in place
   * as they go in above.
   */
  private _paintNewestFirst() {
    cancelAnimationFrame(this._restFrame);
    clearTimeout(this._restTimer);
    this._newestOnly = this.messages.length + this.events.length > FIRST_PAINT_ENTRIES;
    if (!this._newestOnly) return;
    this._restFrame = requestAnimationFrame(() => {
      this._restTimer = setTimeout(() => (this._newestOnly = false));
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    const box = this.renderRoot.querySelector<HTMLDialogElement>('dialog.lightbox');
    if (box && !box.open) box.showModal();
    this._observeInner();
    if (!changed.has('messages') && !changed.has('events') && this._heightBefore === null) return;
    // Scrolling needs the new layout. Observed afresh, the content is reported right after the frame's
    // own layout even if its size did not change, and pinning there forces no layout of its own (in a
    // frame callback it did, before the frame laid out again).
    const inner = this._observedInner;
    if (inner && this._resize) {
      this._resize.unobserve(inner);
      this._resize.observe(inner);
    }
  }

  /** Keeps the newest message in view, or the reader's place when older messages went in above. */
  private _pin() {
    if (this._heightBefore !== null) {
      const anchor = this._anchor && this.renderRoot.querySelector(`article[data-message-id="${this._anchor.id}"]`);
      if (anchor && this._anchor) this.scrollTop += anchor.getBoundingClientRect().top - this._anchor.top;
      else this.scrollTop += this.scrollHeight - this._heightBefore;
      this._heightBefore = null;
      this._anchor = null;
    } else if (this._stick) this.scrollTop = this.scrollHeight;
  }

  private _delivery(m: Message) {
    if (m.kind !== 'outbound' || !m.delivery) return '';
    const d = m.delivery;
    // Queued with an error: the provider refused or was down, and the outbox will try again; its words show.
    // A WeChat reply held for the customer's next message is waiting on purpose, not failing.
    const held = d.status === 'queued' && isHeldReply(d.error);
    const retrying = d.status === 'queued' && !!d.error && !held;
    // Two ticks once delivered, as customers see them in their messaging apps; coloured once read.
    const ic = d.status === 'failed' ? icon('alert', 12) : d.status === 'queued' ? icon(retrying ? 'refresh' : 'clock', 12) : d.status === 'sent' ? icon('check', 12) : icon('checkDouble', 14);
    if (held) {
      return html`<span class="delivery held" data-delivery="held" title=${t('delivery.heldHint')}>${ic}${t('delivery.held')}</span>`;
    }
    const explained = wechatErrcodeText(d.error) ?? d.error;
    const label = retrying ? t('delivery.retrying') : t(`delivery.${d.status}`);
    return html`<span class="delivery ${d.status}${retrying ? ' retrying' : ''}" data-status=${d.status} title=${explained ?? ''}>${ic}<span class="ellipsis">${label}${(d.status === 'failed' || retrying) && explained ? `: ${explained}` : ''}</span></span>`;
  }

  /** Files the customer sent that the channel could not keep: said on the message, so nobody thinks they were never sent. */
  private _skipped(m: Message) {
    const list = Array.isArray(m.meta.skippedAttachments) ? (m.meta.skippedAttachments as Array<{ name?: unknown; size?: unknown; reason?: unknown }>) : [];
    if (list.length === 0) return '';
    return html`<div class="skipped">${list.map((f) => {
      const name = typeof f.name === 'string' ? f.name : '';
      const size = typeof f.size === 'number' && f.size > 0 ? formatSize(f.size) : '?';
      const text = f.reason === 'unavailable' ? t('message.skippedUnavailable', { name }) : t('message.skippedTooLarge', { name, size });
      return html`<div class="skip" data-skipped=${name}>${icon('alert', 12)}<span>${text}</span></div>`;
    })}</div>`;
  }

  private _files(files: Attachment[]) {
    if (!files.length) return '';
    return html`<div class="files">${files.map((f) =>
      f.contentType.startsWith('image/') && /^\//.test(f.url)
        ? html`<a class="thumb" href=${f.url} title=${f.name} @click=${(e: Event) => { e.preventDefault(); this._openLightbox(f, e.currentTarget as HTMLElement); }}><img src=${f.url} alt=${f.name} loading="lazy" /></a>`
        : html`<a class="file" href=${/^\//.test(f.url) ? f.url : '#'} download=${f.name}>${icon('file', 16)}<span class="ellipsis">${f.name}</span><span class="size">${formatSize(f.size)}</span></a>`,
    )}</div>`;
  }

  private _openLightbox(f: Attachment, from: HTMLElement) {
    this._lightboxFrom = from;
    this._lightbox = f;
    this._offEscape?.();
    this._offEscape = onEscape(() => this._closeLightbox());
  }

  private _closeLightbox() {
    this._offEscape?.();
    this._offEscape = undefined;
    this._lightbox = null;
    // Out of the top layer first: while the dialog is modal, the page under it cannot take focus.
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.lightbox')?.close();
    this._lightboxFrom?.focus();
    this._lightboxFrom = null;
  }

  private _text(m: Message) {
    if (m.kind === 'note') {
      const names = this._store.agents.map((a) => a.name);
      return html`<div class="body">${mentionParts(m.text, names).map((p) => (p.mention ? html`<span class="mention">${p.text}</span>` : p.text))}</div>`;
    }
    const { body, quoted } = splitQuotedText(m.text, m.meta.quoteStart);
    const open = this._openQuotes.has(m.id);
    return html`<div class="body">${body}${quoted
      ? html`<div><button class="fold" aria-expanded=${open} title=${open ? t('message.hideQuoted') : t('message.showQuoted')}
          @click=${() => { const s = new Set(this._openQuotes); if (open) s.delete(m.id); else s.add(m.id); this._openQuotes = s; }}>•••</button></div>
          ${open ? html`<div class="quoted">${quoted}</div>` : ''}`
      : ''}</div>`;
  }

  private _events(events: readonly TimelineEvent[]) {
    return html`<div class="events">${events.map((ev) => {
      const time = html`<span class="time" title=${formatDateTime(ev.at)}>${formatTime(ev.at)}</span>`;
      return eventLines(ev).map(
        (l) => html`<div class="system" data-kind="event" data-event-id=${ev.id}>${icon(l.icon, 12)}<span>${partsHtml(l.parts)}</span>${time}</div>`,
      );
    })}</div>`;
  }

  /** A chat message after the first of its author's run: only the text; its time shows on the last, on hover before. */
  private _bubble(m: Message, place: GroupPlace) {
    const time = place.last ? html`<span class="t" title=${formatDateTime(m.createdAt)}>${formatTime(m.createdAt)}</span>` : '';
    return html`<article class="msg ${m.kind} cont" data-kind=${m.kind} data-message-id=${m.id}>
      <span></span>
      <div class="card" title=${place.last ? '' : formatDateTime(m.createdAt)}>
        <div class="line">${this._text(m)}<span class="stamp">${this._delivery(m)}${time}</span></div>
        ${this._files(m.attachments)}${this._skipped(m)}
      </div>
    </article>`;
  }

  private _message(m: Message, place: GroupPlace | null = null) {
    if (place && !place.first && isChatLike(m, this.ticket.channel.kind)) return this._bubble(m, place);
    if (m.kind === 'system') {
      const ic = m.meta.event === 'chat.ended' ? 'logout' : m.meta.event === 'csat.rated' ? 'star' : m.meta.event === 'bot.handoff' ? 'user' : 'bolt';
      return html`<div class="system" data-kind="system" data-event=${String(m.meta.event ?? '')}>${icon(ic, 12)}<span>${partsHtml(systemParts(m))}</span><span class="time" title=${formatDateTime(m.createdAt)}>${formatTime(m.createdAt)}</span></div>`;
    }
    // A merged ticket holds messages of other channels: each says where it came from itself.
    const channel = m.channel ?? this.ticket.channel;
    const isEmail = channel.kind === 'email' && m.kind !== 'note';
    const showVia = m.kind === 'inbound' || (m.kind === 'outbound' && (channel.kind !== this.ticket.channel.kind || channel.name !== this.ticket.channel.name));
    const badge =
      m.kind === 'note' ? html`<span class="badge">${icon('note', 11)}${t('message.note')}</span>`
      : m.kind === 'bot' ? html`<span class="badge">${t('message.bot')}</span>`
      : '';
    return html`<article class="msg ${m.kind}" data-kind=${m.kind} data-message-id=${m.id}>
      ${avatar(m.author.name, null, 32)}
      <div class="card">
        <div class="head">
          <span class="author ellipsis">${m.author.name || t(m.channel.kind === 'wechat' ? 'contact.wechatUser' : 'contact.anonymous')}</span>${badge}
          ${showVia ? html`<span class="via" data-channel=${channel.kind} title=${channelTitle(channel)}>${icon(channelIcon(channel.kind), 12)}${channelTitle(channel)}</span>` : ''}
          ${this._delivery(m)}
          <span class="time" title=${formatDateTime(m.createdAt)}>${isEmail ? formatDateTime(m.createdAt) : formatTime(m.createdAt)}</span>
        </div>
        ${m.html && m.kind === 'inbound' ? html`<div class="frame"><kf-email-frame .html=${m.html}></kf-email-frame></div>` : this._text(m)}
        ${this._files(m.attachments)}${this._skipped(m)}
      </div>
    </article>`;
  }

  override render() {
    if (this.loading) return html`<div class="inner"><div class="empty">${t('app.loading')}</div></div>`;
    let day = '';
    const entries = interleave(this.messages, this.events, (iso) => formatDay(iso));
    const shown = this._newestOnly ? entries.slice(-FIRST_PAINT_ENTRIES) : entries;
    const places = groupPlaces(shown, (e) => (e.kind === 'message' ? e.message : null), this.ticket.channel.kind, (iso) => formatDay(iso));
    const placeOf = new Map(shown.map((e, i) => [e, places[i] ?? null]));
    return html`<div class="inner" role="log" aria-label=${t('ticket.timeline')}>
      ${this.hasEarlier && shown === entries ? html`<button class="earlier" @click=${() => this.dispatchEvent(new Event('load-earlier'))}>${t('ticket.earlier')}</button>` : ''}
      ${repeat(shown, (e) => (e.kind === 'message' ? `m${e.message.id}` : `e${e.events[0]?.id ?? 0}`), (e) => {
        const sep = e.day !== day ? html`<div class="day">${e.day}</div>` : '';
        day = e.day;
        return html`${sep}${e.kind === 'message' ? this._message(e.message, placeOf.get(e) ?? null) : this._events(e.events)}`;
      })}
      ${this.messages.length === 0 ? html`<div class="empty">${t('ticket.noMessages')}</div>` : ''}
    </div>
    ${this._lightbox
      ? html`<dialog class="lightbox" aria-label=${this._lightbox.name} @click=${this._closeLightbox} @cancel=${(e: Event) => { e.preventDefault(); this._closeLightbox(); }}>
          <button class="close" autofocus aria-label=${t('action.close')}>${icon('x', 18)}</button>
          <img src=${this._lightbox.url} alt=${this._lightbox.name} /></dialog>`
      : ''}`;
  }
}
