import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type {
  ServerFrame,
  WidgetConfigView,
  WidgetConversationView,
  WidgetMessageView,
  WidgetSessionView,
} from '../../server/channels/widget/protocol.js';
import { ApiError, VisitorConnection, newClientId, type QueuedMessage } from './connection.js';
import { HostLink } from './host-link.js';
import { chatIcon, closeIcon } from './icons.js';
import { pickLanguage, translator, type Language, type Translate } from './i18n.js';
import { frameTitle, localText } from './language.js';
import { formatSize, typeLabel } from './kf-chat-composer.js';
import type { FormField } from './kf-chat-form.js';
import './kf-chat-composer.js';
import './kf-chat-form.js';
import './kf-chat-header.js';
import './kf-chat-messages.js';
import './kf-chat-rating.js';
import type { KfChatComposer } from './kf-chat-composer.js';
import { chime } from './sound.js';
import { MemoryStore, localStore, type Store } from './store.js';
import { base } from './styles.js';
import { chatStyles } from './kf-chat-styles.js';
import { errorText } from './error-text.js';

/** The server refuses a message with more files than this (widget message-service). */
const MAX_FILES_PER_MESSAGE = 10;

type View = 'loading' | 'disabled' | 'prechat' | 'offline' | 'chat';

/** The chat frame's root: launcher, panel, and the visitor's conversation with its live connection. */
@customElement('kf-chat')
export class KfChat extends LitElement {
  @property() channel = '';
  @property() mode: 'float' | 'inline' = 'float';
  @state() private _config: WidgetConfigView | null = null;
  @state() private _lang: Language = 'en';
  @state() private _open = false;
  @state() private _mobile = false;
  @state() private _view: View = 'loading';
  @state() private _session: WidgetSessionView | null = null;
  @state() private _conversation: WidgetConversationView | null = null;
  @state() private _messages: WidgetMessageView[] = [];
  @state() private _hasMore = false;
  @state() private _botBusy = false;
  @state() private _pending: QueuedMessage[] = [];
  @state() private _typing: string | null = null;
  @state() private _queue: { position: number; waitMinutes: number } | null = null;
  @state() private _online = true;
  @state() private _up = true;
  @state() private _unread = 0;
  @state() private _notice = '';
  @state() private _noticeIsError = false;
  @state() private _busy = false;
  @state() private _dragging = false;
  @query('kf-chat-composer') private _composer?: KfChatComposer;
  @query('.scroll') private _scroll?: HTMLElement;
  #t: Translate = translator('en');
  #conn!: VisitorConnection;
  #host!: HostLink;
  #typingTimer: ReturnType<typeof setTimeout> | undefined;

  static override styles = [base, chatStyles];

  override connectedCallback(): void {
    super.connectedCallback();
    const params = new URLSearchParams(location.hash.slice(1));
    this.#host = new HostLink(params.get('origin'));
    this.mode = params.get('mode') === 'inline' ? 'inline' : 'float';
    this.setAttribute('mode', this.mode);
    this._open = this.mode === 'inline';
    let store: Store = localStore();
    let loaded: (() => void) | undefined;
    const storageArrived = new Promise<void>((resolve) => (loaded = resolve));
    if (this.#host.embedded) {
      const memory = new MemoryStore((key, value) => this.#host.post({ type: 'store', key, value }));
      store = memory;
      this.#onStorage = (items) => {
        memory.load(items, this.#storageLoaded);
        this.#storageLoaded = true;
        loaded?.();
      };
    }
    this.#conn = new VisitorConnection(
      this.channel,
      this.#host.origin || location.origin,
      {
        frame: (f) => this.#onFrame(f),
        connected: (up) => {
          this._up = up;
          if (up) void this.#catchUp();
        },
      },
      store,
    );
    this.#host.listen((m) => {
      if (m.type === 'storage') this.#onStorage?.(m.items);
      else if (m.type === 'open') this.#setOpen(true);
      else if (m.type === 'close') this.#setOpen(false);
      else if (m.type === 'viewport') this._mobile = m.mobile;
      else if (m.type === 'config') this.#hostConfig = m.config;
      else if (m.type === 'identify') this.#pendingIdentity = m.user;
      if (m.type === 'identify' && this._config) void this.#identify(m.user);
    });
    document.addEventListener('visibilitychange', () => this.#markRead());
    const lang = params.get('lang') ?? navigator.language;
    if (this.#host.embedded) {
      this.#host.post({ type: 'ready' });
      // The host answers at once; a host page that cannot store anything still gets a working chat.
      void Promise.race([storageArrived, new Promise((r) => setTimeout(r, 1500))]).then(() => this.#start(lang));
    } else {
      void this.#start(lang);
    }
  }

  #onStorage: ((items: Record<string, string | null>) => void) | undefined;
  /** The config the loader fetched for this page (null: it could not); undefined until it arrives. */
  #hostConfig: WidgetConfigView | null | undefined;
  #storageLoaded = false;
  #pendingIdentity: { id: string; hash: string; name?: string; email?: string } | null = null;

  async #start(browserLang: string): Promise<void> {
    try {
      this._config = this.#hostConfig ?? (await this.#conn.config());
    } catch (err) {
      console.warn('kefu: chat unavailable', err);
      this._view = 'disabled';
      this.#host.post({ type: 'disabled' });
      return;
    }
    const cfg = this._config;
    this.style.setProperty('--kf-brand', cfg.brandColor);
    this._lang = pickLanguage(cfg.language, [browserLang, ...navigator.languages]);
    this.#t = translator(this._lang);
    document.documentElement.lang = this._lang;
    document.title = frameTitle(cfg, this._lang);
    // Recorded on the visitor's contact, so agents know which language to answer in.
    this.#conn.language = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(browserLang) ? browserLang : this._lang;
    this._online = cfg.online;
    if (!cfg.online && cfg.offlineMode === 'hide' && !this.#conn.token) {
      this._view = 'disabled';
      this.#host.post({ type: 'disabled' });
      return;
    }
    this._pending = this.#conn.queue;
    if (this.#conn.token) await this.#resume();
    this.#decideView();
    this.#host.post({ type: 'state', open: this._open });
    if (this.#pendingIdentity) await this.#identify(this.#pendingIdentity);
  }

  async #resume(): Promise<void> {
    try {
      this.#applySession(await this.#conn.session());
      await this.#loadHistory();
      this.#conn.connect();
    } catch {
      this.#notify(this.#t('error'), true);
    }
  }

  #applySession(session: WidgetSessionView): void {
    this._session = session;
    this._conversation = session.conversation;
    this._online = session.online;
  }

  async #loadHistory(before?: number): Promise<void> {
    const page = await this.#conn.history(before);
    this._messages = before ? [...page.items, ...this._messages] : this.#merge(this._messages, page.items);
    this._hasMore = page.hasMore;
    this.#countUnread();
  }

  #merge(current: WidgetMessageView[], incoming: WidgetMessageView[]): WidgetMessageView[] {
    const byId = new Map(current.map((m) => [m.id, m]));
    for (const m of incoming) byId.set(m.id, m);
    return [...byId.values()].sort((a, b) => a.id - b.id);
  }

  async #catchUp(): Promise<void> {
    // Replies that arrived while the socket was down are in the history.
    await this.#loadHistory().catch(() => undefined);
    this._pending = this.#conn.queue;
  }

  #decideView(): void {
    const cfg = this._config;
    if (!cfg) return;
    const started = this._messages.length > 0 || this._pending.length > 0 || this._conversation !== null;
    if (!started && !this._online && cfg.offlineMode === 'ask_email') this._view = 'offline';
    else if (!started && cfg.prechatFields.length > 0 && !this.#conn.store('prechat')) this._view = 'prechat';
    else this._view = 'chat';
  }

  #setOpen(open: boolean): void {
    if (this.mode === 'inline') open = true;
    this._open = open;
    this.#host.post({ type: 'state', open });
    if (open) {
      this.#markRead();
      void this.updateComplete.then(() => {
        this.#scrollDown();
        if (!this._mobile) this._composer?.focus();
      });
    }
  }

  #visible(): boolean {
    return this._open && document.visibilityState === 'visible';
  }

  #markRead(): void {
    if (!this.#visible()) return;
    const lastAgent = [...this._messages].reverse().find((m) => m.author.kind !== 'visitor');
    if (lastAgent) this.#conn.store('seen', String(lastAgent.id));
    this.#conn.send({ type: 'read' });
    this.#countUnread();
  }

  #countUnread(): void {
    const seen = Number(this.#conn.store('seen') ?? 0);
    const count = this.#visible() ? 0 : this._messages.filter((m) => m.author.kind !== 'visitor' && m.id > seen).length;
    if (count !== this._unread) {
      this._unread = count;
      this.#host.post({ type: 'unread', count });
    }
  }

  #onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'hello':
        this._online = f.online;
        if (f.conversation) this._conversation = f.conversation;
        this._queue = f.queue ?? null;
        break;
      case 'status':
        this._online = f.online;
        break;
      case 'ack':
        this._messages = this.#merge(this._messages, [f.message]);
        this._pending = this.#conn.queue;
        if (f.message.conversationId !== this._conversation?.id) void this.#refreshConversation();
        break;
      case 'message':
        this._messages = this.#merge(this._messages, [f.message]);
        this._pending = this.#conn.queue;
        if (f.message.author.kind !== 'visitor') {
          this._botBusy = false;
          this.#arrived();
        }
        break;
      case 'typing':
        this._typing = f.typing ? (f.name ?? this.#t('someone')) : null;
        clearTimeout(this.#typingTimer);
        if (f.typing) this.#typingTimer = setTimeout(() => (this._typing = null), 12_000);
        break;
      case 'queue':
        this._queue = f.position === null || f.waitMinutes === null ? null : { position: f.position, waitMinutes: f.waitMinutes };
        break;
      case 'conversation':
        this._conversation = f.conversation;
        break;
      case 'error':
        this._pending = this.#conn.queue;
        this.#notify(errorText(this.#t, f.code, this._config), true);
        break;
    }
    void this.updateComplete.then(() => this.#scrollDown());
  }

  #arrived(): void {
    this._typing = null;
    if (this.#visible()) this.#markRead();
    else {
      this.#countUnread();
      chime();
    }
  }

  async #refreshConversation(): Promise<void> {
    const session = await this.#conn.session().catch(() => null);
    if (session) this.#applySession(session);
  }

  #scrollDown(): void {
    const el = this._scroll;
    if (el) el.scrollTop = el.scrollHeight;
  }

  async #ensureSession(details: Record<string, string> = {}): Promise<void> {
    if (this._session && Object.keys(details).length === 0) return;
    this.#applySession(await this.#conn.session(details));
    this.#conn.connect();
  }

  async #send(text: string, uploadIds: string[] = []): Promise<void> {
    this._notice = '';
    try {
      await this.#ensureSession();
    } catch {
      this.#notify(this.#t('error'), true);
      return;
    }
    if (this._conversation?.status === 'ended') this._conversation = null;
    this.#conn.enqueue({ clientId: newClientId(), text, uploadIds, createdAt: new Date().toISOString() });
    this._pending = this.#conn.queue;
    void this.updateComplete.then(() => this.#scrollDown());
  }

  /** An answer bot button: over the socket when it is open, else over HTTP. */
  #bot(action: 'solved' | 'human'): void {
    this._botBusy = true;
    if (this.#conn.send({ type: 'bot', action })) return;
    this.#conn.request('POST', '/bot', { action }).catch(() => {
      this._botBusy = false;
      this.#notify(this.#t('error'), true);
    });
  }

  async #files(files: File[]): Promise<void> {
    const cfg = this._config;
    if (!cfg) return;
    const t = this.#t;
    const size = formatSize(cfg.uploads.maxBytes);
    // Limits are checked here first, so a visitor never waits for an upload that would be refused.
    for (const file of files) {
      if (file.size > cfg.uploads.maxBytes) return this.#notify(t('fileTooBig', { name: file.name, size }), true);
      if (!cfg.uploads.types.includes(file.type)) return this.#notify(t('fileType', { name: file.name }), true);
    }
    try {
      await this.#ensureSession();
      const ids: string[] = [];
      for (const file of files) {
        this.#notify(t('uploading', { name: file.name }));
        const up = await this.#conn.request<{ id: string }>('POST', '/uploads', undefined, { data: file, name: file.name });
        ids.push(up.id);
      }
      this._notice = '';
      // A message carries at most MAX_FILES_PER_MESSAGE files: a larger pick goes as several messages.
      for (let i = 0; i < ids.length; i += MAX_FILES_PER_MESSAGE) await this.#send('', ids.slice(i, i + MAX_FILES_PER_MESSAGE));
    } catch (err) {
      this.#notify(err instanceof ApiError ? errorText(t, err.code, cfg, files[0]?.name) : t('uploadFailed', { name: files[0]?.name ?? '' }), true);
    }
  }

  async #submitForm(values: Record<string, string>, offline: boolean): Promise<void> {
    this._busy = true;
    this._notice = '';
    const { message, ...details } = values;
    try {
      await this.#ensureSession(details);
      this.#conn.store('prechat', '1');
      this._view = 'chat';
      if (offline && message) {
        await this.#send(message);
        this.#notify(this.#t('offlineThanks'));
      }
    } catch (err) {
      this.#notify(err instanceof ApiError ? errorText(this.#t, err.code, this._config) : this.#t('error'), true);
    } finally {
      this._busy = false;
    }
  }

  async #identify(user: { id: string; hash: string; name?: string; email?: string }): Promise<void> {
    try {
      await this.#ensureSession();
      const session = await this.#conn.request<WidgetSessionView>('POST', '/identify', user);
      this.#conn.token = session.token;
      this.#applySession(session);
      this.#conn.disconnect();
      this._messages = [];
      await this.#loadHistory();
      this.#conn.connect();
      this.#decideView();
      this.#host.post({ type: 'identified', ok: true });
    } catch {
      this.#host.post({ type: 'identified', ok: false });
    }
  }

  /**
   * Opens the customer portal signed in. The window opens within the click, before the one-time URL
   * is fetched, or a popup blocker would stop it; it is cut from this frame before it navigates.
   */
  async #openPortal(): Promise<void> {
    const win = window.open('about:blank', '_blank');
    if (win) win.opener = null;
    try {
      const { url } = await this.#conn.request<{ url: string }>('GET', '/portal-link');
      if (win) win.location.href = url;
      else window.open(url, '_blank', 'noopener');
    } catch (err) {
      win?.close();
      this.#notify(err instanceof ApiError ? errorText(this.#t, err.code, this._config) : this.#t('error'), true);
    }
  }

  async #endChat(): Promise<void> {
    const id = this._conversation?.id;
    if (!id) return;
    this._conversation = await this.#conn.request<WidgetConversationView>('POST', `/conversations/${id}/end`);
  }

  async #rate(detail: { score: number; comment: string }): Promise<void> {
    const id = this._conversation?.id;
    if (!id) return;
    try {
      this._conversation = await this.#conn.request('POST', `/conversations/${id}/rating`, detail);
    } catch {
      this.#notify(this.#t('error'), true);
    }
  }

  async #transcript(email: string): Promise<void> {
    const id = this._conversation?.id;
    if (!id) return;
    try {
      await this.#conn.request('POST', `/conversations/${id}/transcript`, { email });
      this.#notify(this.#t('transcriptSent'));
    } catch (err) {
      this.#notify(err instanceof ApiError ? errorText(this.#t, err.code, this._config) : this.#t('error'), true);
    }
  }

  #notify(text: string, error = false): void {
    this._notice = text;
    this._noticeIsError = error;
  }

  #onDrop(e: DragEvent): void {
    e.preventDefault();
    this._dragging = false;
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) void this.#files(files);
  }

  override render() {
    if (this._view === 'disabled') return nothing;
    const showPanel = this._open || this.mode === 'inline';
    return html`<div class=${this._mobile ? 'mobile' : ''}>
      ${showPanel ? this.#panel() : nothing}
      ${this.mode === 'float' && !(this._open && this._mobile) ? this.#launcher() : nothing}
    </div>`;
  }

  #launcher() {
    const t = this.#t;
    return html`<button
      class="launcher"
      aria-label=${this._open ? t('closeChat') : t('openChat')}
      aria-expanded=${this._open ? 'true' : 'false'}
      @click=${() => this.#setOpen(!this._open)}
    >
      ${this._open ? closeIcon : chatIcon}
      ${this._unread > 0 && !this._open ? html`<span class="badge" aria-label=${t('newMessage')}>${this._unread}</span>` : nothing}
    </button>`;
  }

  #panel() {
    const t = this.#t;
    const cfg = this._config;
    return html`<section
      class="panel"
      role="dialog"
      aria-label=${this.#title()}
      @dragover=${(e: DragEvent) => {
        e.preventDefault();
        this._dragging = this._view === 'chat';
      }}
      @dragleave=${(e: DragEvent) => {
        if (e.relatedTarget === null) this._dragging = false;
      }}
      @drop=${this.#onDrop}
    >
      ${this.#header()}
      ${!this._up && this._session ? html`<div class="banner">${this._pending.length ? t('offlineQueued') : t('reconnecting')}</div>` : nothing}
      ${this._notice ? html`<div class="banner ${this._noticeIsError ? 'error' : 'info'}" role=${this._noticeIsError ? 'alert' : 'status'}>${this._notice}</div>` : nothing}
      ${this._queue && this._view === 'chat' ? this.#queueNotice(this._queue) : nothing}
      <div class="scroll">${this.#body()}</div>
      ${this.#footer()}
      ${this._dragging && cfg
        ? html`<div class="drop">${t('dropHere')}<small>${t('limits', { types: typeLabel(cfg.uploads.types, t), size: formatSize(cfg.uploads.maxBytes) })}</small></div>`
        : nothing}
    </section>`;
  }

  #queueNotice(q: { position: number; waitMinutes: number }) {
    const vars = { position: q.position, ahead: q.position - 1, minutes: q.waitMinutes };
    return html`<div class="banner info queue" role="status">${this.#t(q.position === 1 ? 'queueNext' : 'queuePlace', vars)}</div>`;
  }

  #title(): string {
    return localText(this._config?.titles, this._lang) ?? this.#t('title');
  }

  #greeting(): string {
    return localText(this._config?.greetings, this._lang) ?? this.#t('greeting');
  }

  #header() {
    const agent = [...this._messages].reverse().find((m) => m.author.kind === 'agent');
    return html`<kf-chat-header
      .t=${this.#t}
      heading=${this.#title()}
      .logoUrl=${this._config?.logoUrl ?? null}
      .agentName=${agent?.author.name ?? null}
      .agentAvatar=${agent?.author.avatarUrl ?? null}
      .typing=${this._typing}
      .online=${this._online}
      ?canEnd=${this._conversation?.status === 'open'}
      ?portal=${this._session?.visitor.emailVerified ?? false}
      .closable=${this.mode === 'float'}
      @kf-close=${() => this.#setOpen(false)}
      @kf-end=${() => void this.#endChat()}
      @kf-portal=${() => void this.#openPortal()}
    ></kf-chat-header>`;
  }

  #body() {
    const t = this.#t;
    const cfg = this._config;
    if (!cfg || this._view === 'loading') return html`<div class="center">…</div>`;
    if (this._view === 'prechat') {
      const fields: FormField[] = cfg.prechatFields;
      return html`<kf-chat-form
        .t=${t}
        .fields=${fields}
        heading=${this.#greeting()}
        intro=${t('prechatIntro')}
        submitLabel=${t('start')}
        ?busy=${this._busy}
        @kf-submit=${(e: CustomEvent<Record<string, string>>) => void this.#submitForm(e.detail, false)}
      ></kf-chat-form>`;
    }
    if (this._view === 'offline') {
      const fields: FormField[] = [
        ...cfg.prechatFields.filter((f) => f.field !== 'email'),
        { field: 'email', required: true },
        { field: 'message', required: true },
      ];
      return html`<kf-chat-form
        .t=${t}
        .fields=${fields}
        heading=${t('offlineTitle')}
        intro=${t('offlineText')}
        submitLabel=${t('sendMessage')}
        ?busy=${this._busy}
        @kf-submit=${(e: CustomEvent<Record<string, string>>) => void this.#submitForm(e.detail, true)}
      ></kf-chat-form>`;
    }
    const ended = this._conversation?.status === 'ended';
    return html`<kf-chat-messages
        .t=${t}
        .messages=${this._messages}
        .pending=${this._pending}
        lang=${this._lang}
        greeting=${this.#greeting()}
        .agentReadAt=${this._conversation?.agentReadAt ?? null}
        .typing=${this._typing}
        ?hasMore=${this._hasMore}
        ?botBusy=${this._botBusy}
        @kf-bot=${(e: CustomEvent<'solved' | 'human'>) => this.#bot(e.detail)}
        @kf-earlier=${() => void this.#loadHistory(this._messages[0]?.id)}
      ></kf-chat-messages>
      ${ended
        ? html`<div class="ended">${t('ended')}</div>
            <kf-chat-rating
              .t=${t}
              ?rated=${this._conversation?.rated ?? false}
              ?transcript=${cfg.transcript && (this._session?.visitor.emailVerified ?? false)}
              email=${this._session?.visitor.email ?? ''}
              @kf-rate=${(e: CustomEvent<{ score: number; comment: string }>) => void this.#rate(e.detail)}
              @kf-transcript=${(e: CustomEvent<string>) => void this.#transcript(e.detail)}
            ></kf-chat-rating>`
        : nothing}`;
  }

  #footer() {
    const cfg = this._config;
    if (!cfg || this._view !== 'chat') return html`<footer>${this.#t('poweredBy')}</footer>`;
    return html`<kf-chat-composer
        .t=${this.#t}
        .limits=${cfg.uploads}
        .maxChars=${cfg.maxMessageChars}
        @kf-send=${(e: CustomEvent<string>) => void this.#send(e.detail)}
        @kf-files=${(e: CustomEvent<File[]>) => void this.#files(e.detail)}
        @kf-typing=${(e: CustomEvent<boolean>) => this.#conn.send({ type: 'typing', typing: e.detail })}
      ></kf-chat-composer>
      <footer>${this.#t('poweredBy')}</footer>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat': KfChat;
  }
}
