import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { WidgetAttachmentView, WidgetMessageView } from '../../server/channels/widget/protocol.js';
import type { QueuedMessage } from './connection.js';
import { chatIcon, fileIcon } from './icons.js';
import type { Translate } from './i18n.js';
import { base } from './styles.js';

const time = (iso: string, lang: string) => new Date(iso).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });

/** The conversation: every text goes through a text binding, so a `<script>` in a message is only characters. */
@customElement('kf-chat-messages')
export class KfChatMessages extends LitElement {
  @property({ attribute: false }) messages: WidgetMessageView[] = [];
  @property({ attribute: false }) pending: QueuedMessage[] = [];
  @property({ attribute: false }) t!: Translate;
  @property() override lang = 'en';
  @property() greeting = '';
  @property() agentReadAt: string | null = null;
  @property() typing: string | null = null;
  @property({ type: Boolean }) hasMore = false;
  /** A bot button was pressed and its answer has not come yet: the buttons wait. */
  @property({ type: Boolean }) botBusy = false;

  static override styles = [
    base,
    css`
      :host { display: flex; flex-direction: column; gap: 6px; padding: 16px 14px 8px; }
      .earlier { align-self: center; font-size: 12px; }
      .row { display: flex; gap: 8px; align-items: flex-end; max-width: 100%; }
      .row.mine { justify-content: flex-end; }
      .avatar {
        flex: none; width: 28px; height: 28px; border-radius: 50%; background: var(--kf-soft); color: var(--kf-muted);
        display: grid; place-items: center; font-size: 12px; font-weight: 700; overflow: hidden;
      }
      .avatar img { width: 100%; height: 100%; object-fit: cover; }
      .avatar svg { width: 16px; height: 16px; }
      .stack { display: grid; gap: 2px; max-width: 78%; }
      .mine .stack { justify-items: end; }
      .who { font-size: 12px; color: var(--kf-muted); margin-left: 2px; }
      .bubble {
        padding: 8px 12px; border-radius: 16px; background: var(--kf-soft); white-space: pre-wrap;
        overflow-wrap: anywhere; word-break: break-word;
      }
      .mine .bubble { background: var(--kf-brand); color: var(--kf-on-brand); border-bottom-right-radius: 4px; }
      .theirs .bubble { border-bottom-left-radius: 4px; }
      .meta { font-size: 11px; color: var(--kf-muted); }
      .meta.failed { color: var(--kf-danger); }
      .pending .bubble { opacity: 0.7; }
      .image { display: block; max-width: 220px; max-height: 220px; border-radius: 12px; border: 1px solid var(--kf-line); }
      .file {
        display: inline-flex; gap: 6px; align-items: center; padding: 8px 10px; border-radius: 12px; border: 1px solid var(--kf-line);
        background: #fff; color: var(--kf-text); text-decoration: none; max-width: 220px;
      }
      .file span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
      .articles { display: grid; gap: 4px; margin: 2px 0; }
      .article {
        display: block; padding: 8px 12px; border-radius: 12px; border: 1px solid var(--kf-line); background: #fff;
        color: var(--kf-brand); text-decoration: none; font-weight: 600; overflow-wrap: anywhere;
      }
      .article:hover, .article:focus-visible { border-color: var(--kf-brand); }
      .bot-actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 2px; }
      .bot-actions button {
        font: inherit; font-size: 13px; padding: 6px 12px; border-radius: 999px; border: 1px solid var(--kf-brand);
        background: #fff; color: var(--kf-brand); cursor: pointer; min-height: 32px;
      }
      .bot-actions button.solve { background: var(--kf-brand); color: var(--kf-on-brand); }
      .bot-actions button:disabled { opacity: 0.5; cursor: default; }
      .system { align-self: center; font-size: 12px; color: var(--kf-muted); text-align: center; }
      .typing { font-size: 12px; color: var(--kf-muted); padding: 2px 36px; }
      .dots span { animation: blink 1.2s infinite; }
      .dots span:nth-child(2) { animation-delay: 0.2s; }
      .dots span:nth-child(3) { animation-delay: 0.4s; }
      @keyframes blink { 50% { opacity: 0.2; } }
    `,
  ];

  #attachment(a: WidgetAttachmentView) {
    if (a.contentType.startsWith('image/')) {
      return html`<a href=${a.url} target="_blank" rel="noopener noreferrer"><img class="image" src=${a.url} alt=${a.name} loading="lazy" /></a>`;
    }
    return html`<a class="file" href=${a.url} target="_blank" rel="noopener noreferrer" download=${a.name}>${fileIcon}<span>${a.name}</span></a>`;
  }

  #status(m: WidgetMessageView, lastMine: boolean) {
    if (!lastMine) return nothing;
    const read = this.agentReadAt !== null && this.agentReadAt >= m.createdAt;
    return html`<span class="meta" data-status=${read ? 'read' : 'delivered'}>${read ? `✓✓ ${this.t('read')}` : `✓ ${this.t('delivered')}`}</span>`;
  }

  #avatar(m: WidgetMessageView) {
    const name = m.author.name ?? this.t('support');
    return html`<div class="avatar">${m.author.avatarUrl ? html`<img src=${m.author.avatarUrl} alt="" />` : name.slice(0, 1).toUpperCase()}</div>`;
  }

  /** The bot's text without the lines that only carry an article's address: the links below show those. */
  #botText(m: WidgetMessageView): string {
    const urls = m.bot?.articles.map((a) => a.url) ?? [];
    return m.text
      .split('\n')
      .filter((line) => !urls.some((u) => line.includes(u)))
      .join('\n')
      .trim();
  }

  #bot(m: WidgetMessageView, withActions: boolean) {
    const t = this.t;
    const articles = m.bot?.articles ?? [];
    const action = (name: 'solved' | 'human') => this.dispatchEvent(new CustomEvent('kf-bot', { detail: name }));
    return html`
      <div class="bubble">${this.#botText(m)}</div>
      ${articles.length
        ? html`<div class="articles" role="list" aria-label=${t('botArticles')}>
            ${articles.map((a) => html`<a class="article" role="listitem" href=${a.url} target="_blank" rel="noopener noreferrer">${a.title}</a>`)}
          </div>`
        : nothing}
      ${withActions
        ? html`<div class="bot-actions">
            <button class="solve" data-bot="solved" ?disabled=${this.botBusy} @click=${() => action('solved')}>${t('botSolved')}</button>
            <button data-bot="human" ?disabled=${this.botBusy} @click=${() => action('human')}>${t('botHuman')}</button>
          </div>`
        : nothing}
    `;
  }

  override render() {
    const t = this.t;
    // Only the newest message may offer the bot's buttons, and only when it is the bot's answer or offers.
    const last = [...this.messages].reverse().find((m) => m.author.kind !== 'system');
    const actionsOn = last?.bot && (last.bot.kind === 'answer' || last.bot.kind === 'offers') ? last.id : null;
    const lastMineId = [...this.messages].reverse().find((m) => m.author.kind === 'visitor')?.id;
    let previousAuthor = '';
    return html`
      ${this.hasMore ? html`<button class="link earlier" @click=${() => this.dispatchEvent(new CustomEvent('kf-earlier'))}>${t('earlier')}</button>` : nothing}
      ${this.greeting
        ? html`<div class="row theirs"><div class="avatar">${chatDot}</div><div class="stack"><div class="bubble">${this.greeting}</div></div></div>`
        : nothing}
      ${this.messages.map((m) => {
        if (m.author.kind === 'system') return html`<div class="system">${m.text}</div>`;
        const mine = m.author.kind === 'visitor';
        const key = `${m.author.kind}:${m.author.name ?? ''}`;
        const showWho = !mine && key !== previousAuthor;
        previousAuthor = key;
        return html`<div class="row ${mine ? 'mine' : 'theirs'}" data-message-id=${m.id}>
          ${mine ? nothing : this.#avatar(m)}
          <div class="stack">
            ${showWho ? html`<span class="who">${m.author.name ?? t('support')}</span>` : nothing}
            ${m.bot ? this.#bot(m, m.id === actionsOn) : m.text ? html`<div class="bubble">${m.text}</div>` : nothing}
            ${m.attachments.map((a) => this.#attachment(a))}
            ${mine ? this.#status(m, m.id === lastMineId) : html`<span class="meta">${time(m.createdAt, this.lang)}</span>`}
          </div>
        </div>`;
      })}
      ${this.pending.map(
        (p) => html`<div class="row mine pending" data-client-id=${p.clientId}>
          <div class="stack">
            ${p.text ? html`<div class="bubble">${p.text}</div>` : nothing}
            ${p.uploadIds.length ? html`<span class="meta">${fileIcon} × ${p.uploadIds.length}</span>` : nothing}
            <span class="meta">${t('sending')}…</span>
          </div>
        </div>`,
      )}
      ${this.typing
        ? html`<div class="typing" aria-live="polite">${t('typing', { name: this.typing })} <span class="dots"><span>•</span><span>•</span><span>•</span></span></div>`
        : nothing}
    `;
  }
}

const chatDot = chatIcon;

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat-messages': KfChatMessages;
  }
}
