import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { aiEnabled, aiErrorMessage, streamAi } from '../data/ai.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { toast } from '../toast.js';

/** The reply box's new text, the draft so far included. */
export type AiDraftEvent = CustomEvent<{ text: string }>;

/**
 * "Draft with AI" in the composer's bar: streams a reply into the box, never sends it. What the
 * agent had written stays above the draft. Renders nothing when the server has no AI configured.
 */
@customElement('kf-ai-draft')
export class KfAiDraft extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: inline-flex; }
      .btn { gap: 6px; color: var(--kf-accent); }
      .btn.busy { color: var(--kf-text-muted); }
      @media (max-width: 700px) { .label { display: none; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) ticketId = 0;
  /** What the box holds now; a draft starts below it. */
  @property() text = '';
  @state() private _enabled = false;
  @state() private _busy = false;
  private _abort: AbortController | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void aiEnabled(this._store.api).then((on) => (this._enabled = on));
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A draft for one ticket must not land in another's box.
    if (changed.has('ticketId') && changed.get('ticketId')) this._abort?.abort();
  }

  private async _draft() {
    const abort = (this._abort = new AbortController());
    const before = this.text.trimEnd();
    const prefix = before ? `${before}\n\n` : '';
    this._busy = true;
    try {
      await streamAi(this._store.api, this.ticketId, 'draft', (draft) => {
        if (!abort.signal.aborted) this.dispatchEvent(new CustomEvent('ai-draft', { detail: { text: prefix + draft }, bubbles: true, composed: true }));
      }, abort.signal);
    } catch (err) {
      if (!abort.signal.aborted) toast(aiErrorMessage(err), 'error');
    } finally {
      if (this._abort === abort) {
        this._abort = null;
        this._busy = false;
      }
    }
  }

  override render() {
    if (!this._enabled) return '';
    if (this._busy) {
      return html`<button class="btn sm ghost busy" data-action="ai-stop" title=${t('ai.stop')} aria-label=${t('ai.stop')} @click=${() => this._abort?.abort()}>
        ${icon('stop', 14)}<span class="label">${t('ai.drafting')}</span></button>`;
    }
    return html`<button class="btn sm ghost" data-action="ai-draft" title=${t('ai.draftHint')} aria-label=${t('ai.draft')} @click=${() => void this._draft()}>
      ${icon('sparkle', 14)}<span class="label">${t('ai.draft')}</span></button>`;
  }
}
