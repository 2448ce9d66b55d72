import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { aiEnabled, aiErrorMessage, streamAi } from '../data/ai.js';
import { onEscape } from '../data/escape-stack.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { toast } from '../toast.js';

/**
 * "Summarise" in the ticket header: an AI summary of the ticket (internal notes included) in a
 * panel below the button, for the agent only. Renders nothing when the server has no AI configured.
 */
@customElement('kf-ai-summary')
export class KfAiSummary extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: inline-flex; position: relative; }
      .btn { gap: 6px; }
      /* Under the button, shifted left by _place() when it would leave the window: the button sits left or right in the header. */
      .panel { position: absolute; top: calc(100% + 6px); z-index: 30; width: 420px; max-width: calc(100vw - 20px); padding: 12px 14px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius-lg); background: var(--kf-bg); box-shadow: var(--kf-shadow-lg); }
      .head { display: flex; align-items: center; gap: 6px; margin-bottom: 8px; font-weight: 600; }
      .head .grow { flex: 1; }
      .text { white-space: pre-wrap; line-height: 1.55; max-height: 50vh; overflow-y: auto; font-size: var(--kf-text-sm); }
      .text.pending { color: var(--kf-text-faint); }
      .note { margin-top: 10px; font-size: var(--kf-text-xs); color: var(--kf-text-faint); }
      @media (max-width: 700px) {
        .label { display: none; }
        .panel { position: fixed; top: auto; left: 10px !important; right: 10px; bottom: 10px; width: auto; }
      }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) ticketId = 0;
  @state() private _enabled = false;
  @state() private _open = false;
  @state() private _busy = false;
  @state() private _text = '';
  /** The panel's offset from the button's left edge. */
  @state() private _left = 0;
  private _abort: AbortController | null = null;
  private _offEscape?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    void aiEnabled(this._store.api).then((on) => (this._enabled = on));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._close();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('ticketId') && changed.get('ticketId')) this._close();
  }

  private _close() {
    this._abort?.abort();
    this._offEscape?.();
    this._offEscape = undefined;
    this._open = false;
    this._text = '';
  }

  /** Kept inside the window. */
  private _place() {
    const r = this.getBoundingClientRect();
    const width = Math.min(420, window.innerWidth - 20);
    this._left = Math.max(10, Math.min(r.left, window.innerWidth - width - 10)) - r.left;
  }

  private async _summarise() {
    this._abort?.abort();
    const abort = (this._abort = new AbortController());
    this._place();
    this._open = true;
    this._offEscape ??= onEscape(() => this._close());
    this._text = '';
    this._busy = true;
    try {
      await streamAi(this._store.api, this.ticketId, 'summary', (text) => {
        if (!abort.signal.aborted) this._text = text;
      }, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted) {
        toast(aiErrorMessage(err), 'error');
        this._close();
      }
    } finally {
      if (this._abort === abort) {
        this._abort = null;
        this._busy = false;
      }
    }
  }

  override render() {
    if (!this._enabled) return '';
    return html`<button class="btn sm" data-action="ai-summary" title=${t('ai.summariseHint')} aria-label=${t('ai.summariseHint')} aria-expanded=${this._open} @click=${() => (this._open ? this._close() : void this._summarise())}>
        ${icon('sparkle', 14)}<span class="label">${t('ai.summarise')}</span></button>
      ${this._open
        ? html`<section class="panel" style="left:${this._left}px" role="region" aria-label=${t('ai.summaryTitle')} aria-busy=${this._busy}>
            <div class="head">${icon('sparkle', 14)}<span>${t('ai.summaryTitle')}</span><span class="grow"></span>
              ${this._busy
                ? html`<button class="btn sm ghost" @click=${() => this._abort?.abort()}>${icon('stop', 14)}${t('ai.stop')}</button>`
                : html`<button class="btn sm ghost" data-action="ai-summary-again" @click=${() => void this._summarise()}>${icon('refresh', 14)}${t('ai.again')}</button>`}
              <button class="icon-btn" aria-label=${t('action.close')} @click=${() => this._close()}>${icon('x', 14)}</button></div>
            <div class="text ${this._text ? '' : 'pending'}" aria-live="polite">${this._text || t('ai.summarising')}</div>
            <div class="note">${t('ai.summaryNote')}</div>
          </section>`
        : ''}`;
  }
}
