import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { chatIcon, closeIcon, moreIcon } from './icons.js';
import type { Translate } from './i18n.js';
import { base } from './styles.js';

/** The panel's title bar: who answers, whether anyone is there, and the end-chat and close buttons. */
@customElement('kf-chat-header')
export class KfChatHeader extends LitElement {
  @property({ attribute: false }) t!: Translate;
  @property() heading = '';
  @property() logoUrl: string | null = null;
  @property() agentName: string | null = null;
  @property() agentAvatar: string | null = null;
  @property() typing: string | null = null;
  @property({ type: Boolean }) online = true;
  @property({ type: Boolean }) canEnd = false;
  /** The site verified this visitor's email: their tickets can open in the portal, signed in. */
  @property({ type: Boolean }) portal = false;
  @property({ type: Boolean }) closable = true;
  @state() private _menu = false;

  static override styles = [
    base,
    css`
  :host { display: block; position: relative; }
    header {
      display: flex; align-items: center; gap: 10px; padding: 14px 8px 14px 16px; background: var(--kf-brand);
      color: var(--kf-on-brand); position: relative;
    }
    header .logo { width: 36px; height: 36px; border-radius: 50%; background: rgb(255 255 255 / 0.2); display: grid; place-items: center; overflow: hidden; flex: none; }
    header .logo img { width: 100%; height: 100%; object-fit: cover; }
    header .titles { flex: 1; min-width: 0; }
    header h1 { margin: 0; font-size: 16px; font-weight: 650; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    header .status { font-size: 12px; opacity: 0.9; display: flex; align-items: center; gap: 6px; min-width: 0; }
    header .status > span:last-child { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    header .dot { flex: none; }
    header .dot { width: 8px; height: 8px; border-radius: 50%; background: #4ade80; box-shadow: 0 0 0 2px rgb(255 255 255 / 0.35); }
    header .dot.off { background: #d1d5db; }
    .menu {
      position: absolute; right: 10px; top: 56px; z-index: 2; background: #fff; color: var(--kf-text); border-radius: 10px;
      box-shadow: 0 8px 24px rgb(0 0 0 / 0.16); padding: 4px; min-width: 160px;
    }
    .menu button { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 10px 12px; border-radius: 8px; }
    .menu button:hover { background: var(--kf-soft); }
    `,
  ];

  #emit(name: 'kf-close' | 'kf-end' | 'kf-portal'): void {
    this._menu = false;
    this.dispatchEvent(new CustomEvent(name));
  }

  override render() {
    const t = this.t;
    const status = this.typing ? t('typing', { name: this.typing }) : this.online ? t('online') : t('offlineTitle');
    const picture = this.logoUrl ?? this.agentAvatar;
    return html`<header>
      <div class="logo">${picture ? html`<img src=${picture} alt="" />` : chatIcon}</div>
      <div class="titles">
        <h1>${this.heading}</h1>
        <div class="status">
          <span class="dot ${this.online ? '' : 'off'}"></span><span>${this.agentName && this.online ? `${this.agentName} · ` : ''}${status}</span>
        </div>
      </div>
      ${this.canEnd || this.portal
        ? html`<button class="icon-btn" aria-label=${t('menu')} aria-haspopup="menu" @click=${() => (this._menu = !this._menu)}>${moreIcon}</button>`
        : nothing}
      ${this.closable ? html`<button class="icon-btn" aria-label=${t('closeChat')} @click=${() => this.#emit('kf-close')}>${closeIcon}</button>` : nothing}
      ${this._menu && (this.canEnd || this.portal)
        ? html`<div class="menu" role="menu">
            ${this.portal ? html`<button role="menuitem" data-action="portal" @click=${() => this.#emit('kf-portal')}>${t('myTickets')}</button>` : nothing}
            ${this.canEnd ? html`<button role="menuitem" data-action="end" @click=${() => this.#emit('kf-end')}>${t('endChat')}</button>` : nothing}
          </div>`
        : nothing}
    </header>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat-header': KfChatHeader;
  }
}
