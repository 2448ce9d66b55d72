import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { clipIcon, sendIcon, smileIcon } from './icons.js';
import type { Translate } from './i18n.js';
import { base } from './styles.js';

const EMOJI = '😀 😂 😊 😍 🤔 😅 😢 😮 👍 👎 👏 🙏 👋 💪 🎉 ❤️ 🔥 ✅ ❌ ⭐ 🚀 💡 📦 📎 😉 🙂 😎 🤝 👀 💬'.split(' ');

export interface UploadLimits {
  maxBytes: number;
  types: string[];
}

export function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

export function typeLabel(types: string[], t: Translate): string {
  const names = new Set(
    types.map((type) =>
      type.startsWith('image/') ? t('typeImages') : type === 'application/pdf' ? t('typePdf') : type.startsWith('text/') ? t('typeText') : (type.split('/')[1] ?? type),
    ),
  );
  return [...names].join(', ');
}

/** Text, emoji and files in; `kf-send` {text} and `kf-files` {files} out. Typing is reported as it happens. */
@customElement('kf-chat-composer')
export class KfChatComposer extends LitElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) limits: UploadLimits = { maxBytes: 0, types: [] };
  @property({ type: Number }) maxChars = 5000;
  @property({ type: Boolean }) disabled = false;
  @state() private _text = '';
  @state() private _emoji = false;
  @query('textarea') private _input!: HTMLTextAreaElement;
  @query('input[type=file]') private _file!: HTMLInputElement;
  #typingSent = 0;
  #typingStop: ReturnType<typeof setTimeout> | undefined;

  static override styles = [
    base,
    css`
      :host { display: block; border-top: 1px solid var(--kf-line); background: #fff; position: relative; }
      form { display: flex; align-items: flex-end; gap: 2px; padding: 8px 8px 8px 12px; }
      textarea {
        flex: 1; border: 0; resize: none; font: inherit; font-size: var(--kf-field-size, inherit); padding: 8px 4px; max-height: 120px; min-height: 38px; outline: none;
        background: transparent; color: inherit;
      }
      textarea:focus-visible { outline: none; }
      form:focus-within { box-shadow: inset 0 2px 0 var(--kf-brand); }
      .send { color: var(--kf-brand); }
      .send:disabled { color: var(--kf-muted); opacity: 0.5; cursor: default; }
      .icon-btn { color: var(--kf-muted); flex: none; }
      .emoji {
        position: absolute; bottom: 100%; left: 8px; right: 8px; display: grid; grid-template-columns: repeat(10, 1fr);
        gap: 2px; padding: 8px; background: #fff; border: 1px solid var(--kf-line); border-radius: 12px;
        box-shadow: 0 8px 24px rgb(0 0 0 / 0.12); margin-bottom: 6px;
      }
      .emoji button { border: 0; background: none; font-size: 20px; padding: 4px; border-radius: 8px; }
      .emoji button:hover { background: var(--kf-soft); }
      .count { position: absolute; right: 56px; bottom: 2px; font-size: 11px; color: var(--kf-danger); }
    `,
  ];

  override focus(): void {
    this._input?.focus();
  }

  #typing(active: boolean): void {
    clearTimeout(this.#typingStop);
    if (active) {
      if (Date.now() - this.#typingSent > 3000) {
        this.#typingSent = Date.now();
        this.dispatchEvent(new CustomEvent('kf-typing', { detail: true }));
      }
      this.#typingStop = setTimeout(() => this.#typing(false), 4000);
    } else if (this.#typingSent) {
      this.#typingSent = 0;
      this.dispatchEvent(new CustomEvent('kf-typing', { detail: false }));
    }
  }

  #submit(e?: Event): void {
    e?.preventDefault();
    const text = this._text.trim();
    if (!text || text.length > this.maxChars || this.disabled) return;
    this.dispatchEvent(new CustomEvent('kf-send', { detail: text }));
    this._text = '';
    this._input.value = '';
    this._input.style.height = '';
    this._emoji = false;
    this.#typing(false);
  }

  #onInput(): void {
    this._text = this._input.value;
    this._input.style.height = 'auto';
    this._input.style.height = `${Math.min(120, this._input.scrollHeight)}px`;
    this.#typing(this._text.length > 0);
  }

  #onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) this.#submit(e);
  }

  #onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('kf-files', { detail: files }));
  }

  #insert(emoji: string): void {
    const el = this._input;
    const start = el.selectionStart ?? el.value.length;
    el.setRangeText(emoji, start, el.selectionEnd ?? start, 'end');
    this.#onInput();
    el.focus();
  }

  override render() {
    const t = this.t;
    const limits = t('limits', { types: typeLabel(this.limits.types, t), size: formatSize(this.limits.maxBytes) });
    const over = this._text.length > this.maxChars;
    return html`
      ${this._emoji
        ? html`<div class="emoji" role="listbox" aria-label=${t('emoji')}>
            ${EMOJI.map((e) => html`<button type="button" @click=${() => this.#insert(e)}>${e}</button>`)}
          </div>`
        : nothing}
      <form @submit=${this.#submit}>
        <textarea
          rows="1"
          aria-label=${t('message')}
          placeholder=${t('placeholder')}
          maxlength=${this.maxChars + 1000}
          @input=${this.#onInput}
          @keydown=${this.#onKey}
          @paste=${this.#onPaste}
        ></textarea>
        <button type="button" class="icon-btn" title=${t('emoji')} aria-label=${t('emoji')} @click=${() => (this._emoji = !this._emoji)}>${smileIcon}</button>
        <button type="button" class="icon-btn" title=${`${t('attach')} (${limits})`} aria-label=${`${t('attach')} (${limits})`} @click=${() => this._file.click()}>
          ${clipIcon}
        </button>
        <input
          class="sr"
          type="file"
          multiple
          accept=${this.limits.types.join(',')}
          tabindex="-1"
          @change=${() => {
            const files = [...(this._file.files ?? [])];
            this._file.value = '';
            if (files.length) this.dispatchEvent(new CustomEvent('kf-files', { detail: files }));
          }}
        />
        <button type="submit" class="icon-btn send" title=${t('send')} aria-label=${t('send')} ?disabled=${!this._text.trim() || over || this.disabled}>
          ${sendIcon}
        </button>
      </form>
      ${over ? html`<span class="count">${t('tooLong', { max: this.maxChars })}</span>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat-composer': KfChatComposer;
  }
}
