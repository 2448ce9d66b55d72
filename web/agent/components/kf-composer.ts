import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { formatSize } from '../../shared/format.js';
import type { Attachment, CannedReply, Contact, Message, NewMessage, Ticket, WhatsAppTemplate } from '../../shared/types.js';
import { ApiError } from '../../shared/api.js';
import { directory, tickets as ticketApi } from '../data/api-calls.js';
import { clearDraft, loadDraft, saveDraft } from '../data/drafts.js';
import { onEscape } from '../data/escape-stack.js';
import { SendKey, withRetries } from '../data/send-key.js';
import { mentionQuery, mentionedAgentIds, nextPlaceholder, slashQuery } from '../data/placeholders.js';
import { storeContext, type AppStore } from '../data/store.js';
import { kindLabel } from '../data/kind-label.js';
import { icon } from '../icons.js';
import { base, popover } from '../styles.js';
import { toast, toastError } from '../toast.js';
import { utf8Bytes } from '../data/wechat.js';
import './kf-wechat-window.js';
import './kf-wechat-card.js';
import { avatar } from './kf-avatar.js';
import './kf-reply-suggestions.js';
import './kf-ai-draft.js';
import type { KfReplySuggestions, SuggestionEvent } from './kf-reply-suggestions.js';
import type { KfWhatsAppWindow } from './kf-whatsapp-window.js';
import './kf-whatsapp-window.js';

type Mode = 'reply' | 'note';
interface Upload {
  key: number;
  name: string;
  size: number;
  attachment: Attachment | null;
  error: string;
}

let cannedCache: Promise<CannedReply[]> | null = null;
/** WeChat's customer-service APIs refuse longer text. */
const WECHAT_TEXT_BYTES = 2048;

const hasFiles = (e: DragEvent): boolean => Array.from(e.dataTransfer?.types ?? []).includes('Files');

/** Reply or internal note, aware of the channel: email shows To/CC/subject, chat sends on Enter. */
@customElement('kf-composer')
export class KfComposer extends LitElement {
  static override styles = [
    base,
    popover,
    css`
      :host { display: block; flex: none; padding: 0 16px 14px; background: var(--kf-bg-subtle); }
      .box { max-width: 860px; margin: 0 auto; border: 1px solid var(--kf-border-strong); border-radius: var(--kf-radius-lg); background: var(--kf-bg); box-shadow: var(--kf-shadow-sm); position: relative; }
      .box:focus-within { border-color: var(--kf-accent); box-shadow: var(--kf-focus); }
      .box.note { background: var(--kf-note-bg); border-color: var(--kf-note-border); }
      .box.dragging { border-style: dashed; border-color: var(--kf-accent); }
      .tabs { display: flex; align-items: center; gap: 2px; padding: 6px 8px 0; }
      .tab { height: 26px; padding: 0 10px; border: 0; border-radius: var(--kf-radius); background: transparent; color: var(--kf-text-muted); font-weight: 500; cursor: pointer; display: inline-flex; align-items: center; gap: 6px; }
      .tab[aria-selected='true'] { background: var(--kf-bg-sunken); color: var(--kf-text); }
      .note .tab[aria-selected='true'] { background: var(--kf-note-border); }
      .tab:disabled { opacity: 0.45; cursor: not-allowed; }
      .tabs .hint { margin-left: auto; color: var(--kf-text-faint); font-size: var(--kf-text-xs); padding-right: 4px; }
      .fields { display: grid; grid-template-columns: 56px 1fr; align-items: center; padding: 4px 12px 0; font-size: var(--kf-text-sm); }
      .fields > span { color: var(--kf-text-faint); }
      .fields input { height: 26px; border: 0; border-bottom: 1px solid var(--kf-border); background: transparent; outline: none; font-size: var(--kf-text-sm); }
      .fields .ro { height: 26px; display: flex; align-items: center; border-bottom: 1px solid var(--kf-border); color: var(--kf-text-muted); min-width: 0; }
      textarea { display: block; width: 100%; min-height: 84px; max-height: 320px; padding: 10px 12px; border: 0; outline: none; resize: none; background: transparent; line-height: 1.5; }
      .files { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px 6px; }
      .file { display: inline-flex; align-items: center; gap: 6px; height: 26px; padding: 0 4px 0 8px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); font-size: var(--kf-text-sm); background: var(--kf-bg-subtle); max-width: 240px; }
      .file.err { color: var(--kf-danger); border-color: var(--kf-danger); }
      .file .icon-btn { width: 20px; height: 20px; }
      .bar { display: flex; align-items: center; gap: 4px; padding: 6px 8px 8px; }
      .bar .grow { flex: 1; }
      .split { display: inline-flex; position: relative; }
      .split .btn.primary:first-child { border-top-right-radius: 0; border-bottom-right-radius: 0; }
      .split .btn.primary.more { border-top-left-radius: 0; border-bottom-left-radius: 0; padding: 0 6px; border-left: 1px solid rgba(255, 255, 255, 0.3); }
      .pop.menu { bottom: calc(100% + 4px); right: 0; }
      .pop.suggest { bottom: calc(100% + 4px); left: 8px; width: 360px; max-width: calc(100% - 16px); max-height: 280px; overflow-y: auto; }
      .suggest .item { height: auto; min-height: 30px; padding: 6px 8px; align-items: flex-start; }
      .suggest .item .text { display: grid; min-width: 0; }
      .suggest .item .title { font-weight: 500; }
      .suggest .item .prev { color: var(--kf-text-muted); font-size: var(--kf-text-sm); }
      .suggest .sc { font-family: var(--kf-font-mono); font-size: var(--kf-text-sm); color: var(--kf-accent); flex: none; width: 88px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .suggest .head { padding: 4px 8px; font-size: var(--kf-text-xs); color: var(--kf-text-faint); font-weight: 600; }
      .confirm { display: flex; align-items: center; gap: 8px; padding: 8px 12px; background: var(--kf-warning-soft); color: var(--kf-warning); border-top: 1px solid var(--kf-border); font-size: var(--kf-text-sm); border-radius: 0 0 var(--kf-radius-lg) var(--kf-radius-lg); }
      .confirm span { flex: 1; }
      .fields-summary { display: none; }
      /* Phone: To/Cc/Subject fold into one line that opens them, leaving the screen to the conversation. */
      @media (max-width: 700px) {
        :host { padding: 0 8px 8px; }
        .tabs .hint, .bar .keyhint { display: none; }
        .fields-summary { display: flex; align-items: center; gap: 6px; width: 100%; height: 30px; margin-top: 4px; padding: 0 12px; border: 0; border-bottom: 1px solid var(--kf-border); background: transparent; color: var(--kf-text-muted); font-size: var(--kf-text-sm); text-align: left; cursor: pointer; -webkit-tap-highlight-color: transparent; }
        .fields-summary .ellipsis { flex: 1; }
        .fields-summary[aria-expanded='true'] svg { transform: rotate(180deg); }
        .fields:not(.open) { display: none; }
        .fields { grid-template-columns: 48px minmax(0, 1fr); }
        /* Safari on iPhone zooms the page into a text field under 16 px when it takes focus. */
        textarea { min-height: 64px; max-height: 180px; font-size: 16px; }
        .fields input { font-size: 16px; }
      }
      .no-channel { display: flex; align-items: flex-start; gap: 8px; padding: 8px 12px; background: var(--kf-warning-soft); color: var(--kf-warning); border-bottom: 1px solid var(--kf-border); font-size: var(--kf-text-sm); border-radius: var(--kf-radius-lg) var(--kf-radius-lg) 0 0; }
      .no-channel svg { flex: none; margin-top: 2px; }
      .no-channel .faint { color: var(--kf-text-muted); }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ attribute: false }) ticket!: Ticket;
  @property({ attribute: false }) contact: Contact | null = null;
  @property({ attribute: false }) othersReplying: string[] = [];
  /** The newest message from the customer or an agent; null until the ticket's timeline is in. */
  @property({ attribute: false }) lastMessageId: number | null = null;
  /** False when the ticket's channel is gone or cannot send (the detail's replyChannel): only notes then. */
  @property({ type: Boolean }) canReply = true;
  /** The ticket view's summary of reply deliveries; the WeChat strip reloads its window when it changes. */
  @property() deliveryKey = '';
  @state() private _mode: Mode = 'reply';
  @state() private _text = '';
  @state() private _cc = '';
  @state() private _uploads: Upload[] = [];
  @state() private _sending = false;
  private readonly _sendKey = new SendKey();
  @state() private _menu = false;
  @state() private _dragging = false;
  @state() private _suggest: { kind: 'canned' | 'mention'; start: number; query: string; active: number } | null = null;
  @state() private _canned: CannedReply[] = [];
  @state() private _confirm: { reason: string; status?: 'pending' | 'resolved' } | null = null;
  /** Whether the folded To/Cc/Subject lines are open (phone layout only; wider screens always show them). */
  @state() private _fieldsOpen = false;
  /** The WeChat link-card form is open instead of a plain reply. */
  @state() private _card = false;
  @query('textarea') private _area!: HTMLTextAreaElement;
  @query('input[type=file]') private _filePicker!: HTMLInputElement;
  @query('kf-reply-suggestions') private _replySuggestions!: KfReplySuggestions | null;
  @query('kf-whatsapp-window') private _waWindow?: KfWhatsAppWindow;
  /** WhatsApp's 24-hour window has closed: only a template may go out until the customer writes. */
  @state() private _waClosed = false;
  private _ticketId = 0;
  /**
   * The newest message the agent had seen when they started writing: a message after it is a
   * collision. Null until known: a restored draft brings its own, otherwise it is the newest
   * message once the timeline is in.
   */
  private _seenMessageId: number | null = null;
  private _typingSent: Mode | null = null;
  private _typingTimer: ReturnType<typeof setTimeout> | undefined;
  private _saveTimer: ReturnType<typeof setTimeout> | undefined;
  private _uploadSeq = 0;
  private _uploadQueue: Promise<void> = Promise.resolve();

  private get _isEmail(): boolean {
    return this.ticket.channel.kind === 'email';
  }

  /** A widget chat gets the reply at once; a messaging app or the business's own app gets it through the channel. */
  private _replyHint(): string {
    const kind = this.ticket.channel.kind;
    return kind === 'widget' ? t('composer.chatHint') : t('composer.channelHint', { channel: kindLabel(kind) });
  }

  private get _isWechat(): boolean {
    return this.ticket.channel.kind === 'wechat';
  }

  /** What WeChat would refuse (too many bytes, a file that is not an image), said before sending. */
  private _wechatProblem(text: string): string | null {
    if (!this._isWechat || this._mode !== 'reply') return null;
    if (utf8Bytes(text) > WECHAT_TEXT_BYTES) return t('wechat.tooLong');
    const images = ['image/jpeg', 'image/png', 'image/gif'];
    if (this._uploads.some((u) => u.attachment && !images.includes(u.attachment.contentType))) return t('wechat.notAllowed');
    return null;
  }

  private get _isWhatsApp(): boolean {
    return this.ticket.channel.kind === 'whatsapp';
  }

  private _hint(note: boolean): string {
    if (note) return t('composer.noteHint');
    if (this._isEmail) return t('composer.emailHint');
    if (this._isWechat) return t('composer.wechatHint');
    if (this._isWhatsApp) return t('composer.whatsappHint');
    if (this.ticket.channel.kind === 'twilio') return t('composer.smsHint');
    return this._replyHint();
  }

  private async _sendTemplate(template: WhatsAppTemplate) {
    if (this._sending) return;
    this._sending = true;
    try {
      const r = await ticketApi.send(this._store.api, this.ticket.id, { kind: 'reply', text: '', template });
      this.dispatchEvent(new CustomEvent<{ message: Message; ticket: Ticket }>('sent', { detail: r }));
    } catch (err) {
      if ((err as { status?: number }).status !== 401) toastError(err);
    } finally {
      this._sending = false;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticket') && this.ticket.id !== this._ticketId) {
      this._flushDraft();
      this._ticketId = this.ticket.id;
      const d = loadDraft(this.ticket.id);
      this._mode = d?.mode ?? 'reply';
      this._text = d?.text ?? '';
      this._cc = d?.cc ?? '';
      this._uploads = [];
      this._suggest = null;
      this._confirm = null;
      this._card = false;
      this._seenMessageId = d?.seenMessageId ?? null;
    }
    if (this._seenMessageId === null) this._seenMessageId = this.lastMessageId;
    // A customer's new message reopens WhatsApp's window.
    if (changed.has('lastMessageId') && changed.get('lastMessageId') != null && this._isWhatsApp) void this.updateComplete.then(() => this._waWindow?.refresh());
    if (!this.canReply && this._mode === 'reply') this._mode = 'note';
  }

  override disconnectedCallback(): void {
    this._offEscape?.();
    document.removeEventListener('pointerdown', this._outside);
    this._flushDraft();
    this._stopTyping();
    super.disconnectedCallback();
  }

  private _sizedFor: string | null = null;

  protected override updated(changed: PropertyValues): void {
    if (changed.has('_menu')) this._watchMenu();
    const a = this._area;
    // Measuring forces a layout: only when the text changed.
    if (!a || this._sizedFor === this._text) return;
    this._sizedFor = this._text;
    requestAnimationFrame(() => {
      a.style.height = 'auto';
      a.style.height = `${Math.min(320, Math.max(84, a.scrollHeight))}px`;
    });
  }

  private _offEscape?: () => void;
  private readonly _outside = (e: Event) => {
    if (!e.composedPath().some((el) => el instanceof HTMLElement && el.classList.contains('split'))) this._menu = false;
  };

  /** The send menu closes on Esc (and on a click elsewhere) without closing the ticket around it. */
  private _watchMenu() {
    this._offEscape?.();
    this._offEscape = undefined;
    document.removeEventListener('pointerdown', this._outside);
    if (!this._menu) return;
    this._offEscape = onEscape(() => (this._menu = false));
    document.addEventListener('pointerdown', this._outside);
  }

  focusMode(mode: Mode) {
    this._setMode(mode);
    void this.updateComplete.then(() => this._area?.focus());
  }

  private _setMode(mode: Mode) {
    if (mode === 'reply' && !this.canReply) return;
    this._mode = mode;
    this._scheduleSave();
  }

  private _flushDraft() {
    clearTimeout(this._saveTimer);
    if (this._ticketId) saveDraft(this._ticketId, { mode: this._mode, text: this._text, cc: this._cc, seenMessageId: this._seenMessageId });
  }

  private _scheduleSave() {
    clearTimeout(this._saveTimer);
    this._saveTimer = setTimeout(() => this._flushDraft(), 300);
  }

  private _typing() {
    if (this._typingSent !== this._mode) {
      this._typingSent = this._mode;
      this._store.sendTyping(this.ticket.id, this._mode);
    }
    clearTimeout(this._typingTimer);
    this._typingTimer = setTimeout(() => this._stopTyping(), 5000);
  }

  private _stopTyping() {
    clearTimeout(this._typingTimer);
    if (this._typingSent && this._ticketId) this._store.sendTyping(this._ticketId, null);
    this._typingSent = null;
  }

  private async _input(e: Event) {
    const a = e.target as HTMLTextAreaElement;
    // A collision is about what happened while this reply was being written, so start counting now.
    if (!this._text.trim()) this._seenMessageId = this.lastMessageId;
    this._text = a.value;
    this._scheduleSave();
    this._typing();
    const caret = a.selectionStart;
    const slash = slashQuery(a.value, caret);
    const mention = this._mode === 'note' ? mentionQuery(a.value, caret) : null;
    if (slash) {
      cannedCache ??= directory.canned(this._store.api).then((r) => r.items).catch(() => ((cannedCache = null), []));
      this._canned = await cannedCache;
      this._suggest = { kind: 'canned', start: slash.start, query: slash.query, active: 0 };
    } else if (mention) this._suggest = { kind: 'mention', start: mention.start, query: mention.query, active: 0 };
    else this._suggest = null;
  }

  private get _cannedMatches(): CannedReply[] {
    const q = (this._suggest?.query ?? '').toLowerCase();
    return this._canned.filter((c) => c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)).slice(0, 8);
  }

  private get _mentionMatches() {
    const q = (this._suggest?.query ?? '').toLowerCase();
    return this._store.agents.filter((a) => a.active && a.name.toLowerCase().includes(q)).slice(0, 8);
  }

  private _replaceQuery(insert: string): number {
    const s = this._suggest;
    if (!s) return 0;
    const caret = this._area.selectionStart;
    this._text = this._text.slice(0, s.start) + insert + this._text.slice(caret);
    this._suggest = null;
    this._scheduleSave();
    return s.start + insert.length;
  }

  private async _useCanned(c: CannedReply) {
    let text = c.body;
    try {
      text = (await directory.renderCanned(this._store.api, c.id, this.ticket.id)).text;
    } catch {
      // Unfilled placeholders stay selectable below; the agent can still type them.
    }
    const start = this._suggest?.start ?? 0;
    this._replaceQuery(text);
    await this.updateComplete;
    const ph = nextPlaceholder(this._text, start);
    this._area.focus();
    if (ph) this._area.setSelectionRange(ph.start, ph.end);
    else this._area.setSelectionRange(start + text.length, start + text.length);
  }

  private async _useMention(name: string) {
    const end = this._replaceQuery(`@${name} `);
    await this.updateComplete;
    this._area.focus();
    this._area.setSelectionRange(end, end);
  }

  /** A suggested article or canned reply, put in at the caret (replacing a selection). */
  private _insertSuggestion(e: SuggestionEvent) {
    const a = this._area;
    a.focus();
    a.setRangeText(e.detail.text, a.selectionStart, a.selectionEnd, 'end');
    a.dispatchEvent(new Event('input'));
  }

  private _keydown(e: KeyboardEvent) {
    // Alt+1 … Alt+4: the suggestions above the box (e.code: Alt+digit types other characters on a Mac).
    const digit = /^Digit([1-4])$/.exec(e.code);
    if (digit && e.altKey && !e.ctrlKey && !e.metaKey && this._replySuggestions?.pick(Number(digit[1]))) {
      e.preventDefault();
      return;
    }
    const s = this._suggest;
    if (s) {
      const list = s.kind === 'canned' ? this._cannedMatches : this._mentionMatches;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = list.length || 1;
        this._suggest = { ...s, active: (s.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n };
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && list.length) {
        e.preventDefault();
        const item = list[s.active] ?? list[0];
        if (s.kind === 'canned') void this._useCanned(item as CannedReply);
        else void this._useMention((item as { name: string }).name);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this._suggest = null;
        return;
      }
    }
    if (e.key === 'Tab' && !e.shiftKey) {
      const ph = nextPlaceholder(this._text, this._area.selectionEnd);
      if (ph) {
        e.preventDefault();
        this._area.setSelectionRange(ph.start, ph.end);
        return;
      }
    }
    const chatEnter = !this._isEmail && this._mode === 'reply' && e.key === 'Enter' && !e.shiftKey && !e.isComposing;
    if (chatEnter || ((e.ctrlKey || e.metaKey) && e.key === 'Enter')) {
      e.preventDefault();
      void this._send();
    }
    if (e.key === 'Escape') {
      // Leaving the box must not also close the ticket (the shell's Esc); an open send menu goes first.
      e.stopPropagation();
      if (this._menu) this._menu = false;
      else this._area.blur();
    }
  }

  private _files(list: FileList | File[] | null) {
    for (const file of Array.from(list ?? [])) void this._upload(file);
  }

  private _upload(file: File): Promise<void> {
    const key = ++this._uploadSeq;
    this._uploads = [...this._uploads, { key, name: file.name, size: file.size, attachment: null, error: '' }];
    // One after another: a message lists its files in upload order, so a small file sent beside a
    // big one must not reach the server first and come before it in the sent message.
    this._uploadQueue = this._uploadQueue.then(() => this._uploadNow(file, key));
    return this._uploadQueue;
  }

  private async _uploadNow(file: File, key: number) {
    // Removed from the composer while it waited its turn.
    if (!this._uploads.some((u) => u.key === key)) return;
    try {
      const { attachment } = await ticketApi.upload(this._store.api, file);
      this._uploads = this._uploads.map((u) => (u.key === key ? { ...u, attachment } : u));
    } catch (err) {
      const message = (err as { status?: number }).status === 413 ? t('error.tooLarge') : t('composer.uploadFailed');
      this._uploads = this._uploads.map((u) => (u.key === key ? { ...u, error: message } : u));
    }
  }

  private _paste(e: ClipboardEvent) {
    const files = Array.from(e.clipboardData?.files ?? []);
    if (files.length) {
      e.preventDefault();
      this._files(files);
    }
  }

  /** Only file drags belong to the drop zone; dragged text must still land in the textarea as usual. */
  private _dragOver(e: DragEvent) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    this._dragging = true;
  }

  private _dragLeave(e: DragEvent) {
    // Moving between the box's own children fires dragleave too; only leaving the box ends the drag.
    const to = e.relatedTarget as Node | null;
    if (to && (e.currentTarget as HTMLElement).contains(to)) return;
    this._dragging = false;
  }

  private _drop(e: DragEvent) {
    this._dragging = false;
    if (!hasFiles(e)) return;
    e.preventDefault();
    this._files(e.dataTransfer?.files ?? null);
  }

  /** Someone else is replying, or replied since this agent started: ask before sending twice. */
  private _collision(): string | null {
    if (this._mode !== 'reply') return null;
    if (this.othersReplying.length) return t('collision.replying', { names: this.othersReplying.join(', ') });
    const last = this.lastMessageId;
    if (last !== null && this._seenMessageId !== null && last > this._seenMessageId) return t('collision.newMessage');
    return null;
  }

  private async _send(status?: 'pending' | 'resolved', force = false) {
    this._menu = false;
    const text = this._text.trim();
    const ready = this._uploads.filter((u) => u.attachment).map((u) => (u.attachment as Attachment).id);
    if ((!text && !ready.length) || this._sending) return;
    if (this._uploads.some((u) => !u.attachment && !u.error)) return;
    const reason = force ? null : this._collision();
    if (reason) {
      this._confirm = { reason, status };
      return;
    }
    const wechatProblem = this._wechatProblem(text);
    if (wechatProblem) {
      toast(wechatProblem, 'error');
      return;
    }
    this._confirm = null;
    this._sending = true;
    const body: NewMessage = { kind: this._mode, text, attachmentIds: ready.length ? ready : undefined, status };
    if (this._mode === 'reply' && this._isEmail && this._cc.trim()) body.cc = this._cc.split(/[,;\s]+/).filter(Boolean);
    try {
      const ticketId = this.ticket.id;
      const key = this._sendKey.for(ticketId, body);
      const r = await withRetries(() => ticketApi.send(this._store.api, ticketId, body, key));
      this._sendKey.sent();
      this._text = '';
      this._cc = '';
      this._uploads = [];
      clearDraft(this.ticket.id);
      this._stopTyping();
      this._seenMessageId = r.message.id;
      this.dispatchEvent(new CustomEvent<{ message: Message; ticket: Ticket }>('sent', { detail: r }));
    } catch (err) {
      // The draft stays in the box (and in localStorage) whatever went wrong, including an expired session.
      this._flushDraft();
      if (err instanceof ApiError && err.code === 'whatsapp_window_closed') void this._waWindow?.refresh();
      if ((err as { status?: number }).status !== 401) toastError(err);
    } finally {
      this._sending = false;
    }
  }

  private _notified(): string[] {
    return mentionedAgentIds(this._text, this._store.agents).map((id) => this._store.agentName(id));
  }

  private _suggestions() {
    const s = this._suggest;
    if (!s) return '';
    if (s.kind === 'canned') {
      const list = this._cannedMatches;
      return html`<div class="pop suggest" role="listbox" aria-label=${t('composer.canned')}>
        <div class="head">${t('composer.canned')}</div>
        ${list.length === 0 ? html`<div class="item faint">${t('composer.noCanned')}</div>` : ''}
        ${list.map((c, i) => html`<button class="item ${i === s.active ? 'active' : ''}" role="option" @mousedown=${(e: Event) => { e.preventDefault(); void this._useCanned(c); }}>
          <span class="sc">/${c.shortcut}</span><span class="text"><span class="title ellipsis">${c.title}</span><span class="prev ellipsis">${c.body}</span></span></button>`)}
      </div>`;
    }
    const list = this._mentionMatches;
    return html`<div class="pop suggest" role="listbox" aria-label=${t('composer.mention')}>
      ${list.length === 0 ? html`<div class="item faint">${t('picker.empty')}</div>` : ''}
      ${list.map((a, i) => html`<button class="item ${i === s.active ? 'active' : ''}" role="option" @mousedown=${(e: Event) => { e.preventDefault(); void this._useMention(a.name); }}>
        ${avatar(a.name, a.avatarUrl, 20)}<span class="ellipsis">${a.name}</span><span class="faint ellipsis" style="margin-left:auto">${a.email}</span></button>`)}
    </div>`;
  }

  private _replySubject(): string {
    return /^re:/i.test(this.ticket.subject) ? this.ticket.subject : `Re: ${this.ticket.subject}`;
  }

  private _fieldsSummary(to: string) {
    const cc = this._cc.trim();
    return html`<button class="fields-summary" title=${t('composer.fields')} aria-expanded=${this._fieldsOpen} @click=${() => (this._fieldsOpen = !this._fieldsOpen)}>
      <span class="ellipsis">${t('composer.toSummary', { to })}${cc ? ` · ${t('composer.ccSummary', { cc })}` : ''} · ${this._replySubject()}</span>${icon('chevronDown', 14)}</button>`;
  }

  override render() {
    const note = this._mode === 'note';
    const to = this.contact?.email ?? this.ticket.contact.email ?? '';
    const busy = this._sending || this._uploads.some((u) => !u.attachment && !u.error);
    const waWindow = this._isWhatsApp && !note && this.canReply;
    return html`<div class="box ${note ? 'note' : ''} ${this._dragging ? 'dragging' : ''}"
        @dragenter=${this._dragOver} @dragover=${this._dragOver} @dragleave=${this._dragLeave} @drop=${this._drop}>
      ${this._suggestions()}
      ${this.canReply
        ? ''
        : html`<div class="no-channel" role="status" data-notice="no-reply-channel">${icon('alert', 14)}<span><strong>${t('composer.noChannel')}</strong> <span class="faint">${t('composer.noChannelHint')}</span></span></div>`}
      ${note ? '' : html`<kf-reply-suggestions .ticketId=${this.ticket.id} .lastMessageId=${this.lastMessageId} @suggestion=${this._insertSuggestion}></kf-reply-suggestions>`}
      ${waWindow
        ? html`<kf-whatsapp-window .api=${this._store.api} .ticketId=${this.ticket.id} ?busy=${busy}
            @window-change=${(e: Event) => (this._waClosed = !(e.target as KfWhatsAppWindow).open)}
            @send-template=${(e: CustomEvent<WhatsAppTemplate>) => void this._sendTemplate(e.detail)}></kf-whatsapp-window>`
        : ''}
      <div class="tabs" role="tablist">
        <button class="tab" role="tab" data-mode="reply" aria-selected=${!note} ?disabled=${!this.canReply} @click=${() => this.focusMode('reply')}>${icon('reply', 14)}${t('composer.reply')}</button>
        <button class="tab" role="tab" data-mode="note" aria-selected=${note} @click=${() => this.focusMode('note')}>${icon('note', 14)}${t('composer.note')}</button>
        <span class="hint">${this._hint(note)}</span>
      </div>
      ${!note && this._isWechat && this.canReply
        ? html`<kf-wechat-window .ticketId=${this.ticket.id} .lastMessageId=${this.lastMessageId} .deliveryKey=${this.deliveryKey} .text=${this._text}></kf-wechat-window>`
        : ''}
      ${!note && this._isWechat && this._card
        ? html`<kf-wechat-card .ticketId=${this.ticket.id} @done=${() => (this._card = false)}></kf-wechat-card>`
        : ''}
      ${!note && this._isEmail ? this._fieldsSummary(to) : ''}
      ${!note && this._isEmail
        ? html`<div class="fields ${this._fieldsOpen ? 'open' : ''}">
            <span>${t('composer.to')}</span><span class="ro ellipsis">${to}</span>
            <span>${t('composer.cc')}</span><input aria-label=${t('composer.cc')} .value=${this._cc} @input=${(e: Event) => { this._cc = (e.target as HTMLInputElement).value; this._scheduleSave(); }} />
            <span>${t('composer.subject')}</span><span class="ro ellipsis">${this._replySubject()}</span>
          </div>`
        : ''}
      <textarea aria-label=${note ? t('composer.note') : t('composer.reply')} placeholder=${note ? t('composer.notePlaceholder') : t('composer.replyPlaceholder')}
        .value=${this._text} @input=${this._input} @keydown=${this._keydown} @paste=${this._paste} @blur=${() => this._flushDraft()}></textarea>
      ${this._uploads.length
        ? html`<div class="files">${this._uploads.map((u) => html`<span class="file ${u.error ? 'err' : ''}" title=${u.error}>
            ${icon('paperclip', 13)}<span class="ellipsis">${u.name}</span><span class="faint">${u.error || (u.attachment ? formatSize(u.size) : t('composer.uploading'))}</span>
            <button class="icon-btn" aria-label=${t('action.remove')} @click=${() => (this._uploads = this._uploads.filter((x) => x.key !== u.key))}>${icon('x', 12)}</button></span>`)}</div>`
        : ''}
      <div class="bar">
        <input type="file" multiple hidden @change=${(e: Event) => { this._files((e.target as HTMLInputElement).files); (e.target as HTMLInputElement).value = ''; }} />
        ${this.ticket.channel.kind === 'twilio' && !note ? '' : html`<button class="icon-btn" title=${t('composer.attach')} @click=${() => this._filePicker.click()}>${icon('paperclip', 16)}</button>`}
        ${!note && this._isWechat && this.canReply
          ? html`<button class="icon-btn" data-action="wechat-card" title=${t('wechat.linkCard')} aria-pressed=${this._card} @click=${() => (this._card = !this._card)}>${icon('link', 16)}</button>`
          : ''}
        <button class="icon-btn" title=${t('composer.canned')} @click=${() => { this._area.focus(); const c = this._area.selectionStart; this._area.setRangeText((c > 0 && !/\s/.test(this._text[c - 1] ?? '') ? ' /' : '/'), c, c, 'end'); this._area.dispatchEvent(new Event('input')); }}>${icon('bolt', 16)}</button>
        ${note ? '' : html`<kf-ai-draft .ticketId=${this.ticket.id} .text=${this._text} @ai-draft=${(e: CustomEvent<{ text: string }>) => { this._text = e.detail.text; this._scheduleSave(); }}></kf-ai-draft>`}
        <span class="grow"></span>
        ${note && this._notified().length ? html`<span class="faint" style="font-size:var(--kf-text-xs);margin-right:6px">${t('composer.willNotify', { names: this._notified().join(', ') })}</span>` : ''}
        <span class="faint keyhint" style="font-size:var(--kf-text-xs);margin-right:6px">${!note && !this._isEmail ? t('composer.enterToSend') : t('composer.ctrlEnterToSend')}</span>
        <span class="split">
          <button class="btn primary" data-action="send" ?disabled=${busy || (waWindow && this._waClosed)} @click=${() => void this._send()}>${icon('send', 14)}${note ? t('composer.addNote') : t('composer.send')}</button>
          ${note ? '' : html`<button class="btn primary more" aria-label=${t('composer.moreSend')} aria-haspopup="menu" ?disabled=${busy} @click=${() => (this._menu = !this._menu)}>${icon('chevronDown', 14)}</button>`}
          ${this._menu
            ? html`<div class="pop menu" role="menu">
                <button class="item" role="menuitem" data-action="send-resolve" @click=${() => void this._send('resolved')}>${icon('checkCircle', 14)}${t('composer.sendResolve')}</button>
                <button class="item" role="menuitem" data-action="send-pending" @click=${() => void this._send('pending')}>${icon('clock', 14)}${t('composer.sendPending')}</button>
              </div>`
            : ''}
        </span>
      </div>
      ${this._confirm
        ? html`<div class="confirm" role="alertdialog">${icon('alert', 14)}<span>${this._confirm.reason}</span>
            <button class="btn sm" @click=${() => (this._confirm = null)}>${t('action.cancel')}</button>
            <button class="btn sm primary" @click=${() => { this._seenMessageId = this.lastMessageId; void this._send(this._confirm?.status, true); }}>${t('collision.sendAnyway')}</button></div>`
        : ''}
    </div>`;
  }
}
