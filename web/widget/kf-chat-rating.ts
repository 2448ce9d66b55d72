import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { starIcon } from './icons.js';
import type { Translate } from './i18n.js';
import { base } from './styles.js';

/**
 * After the chat ends: a 1–5 rating with a comment (`kf-rate`), and a transcript by email (`kf-transcript`),
 * offered only to the visitor's verified address, which is shown and cannot be changed here.
 */
@customElement('kf-chat-rating')
export class KfChatRating extends LitElement {
  @property({ attribute: false }) t!: Translate;
  @property({ type: Boolean }) rated = false;
  @property({ type: Boolean }) transcript = false;
  @property() email = '';
  @property() notice = '';
  @state() private _score = 0;

  static override styles = [
    base,
    css`
      :host { display: block; padding: 16px 18px; border-top: 1px solid var(--kf-line); background: #fafafa; }
      h3 { margin: 0 0 8px; font-size: 15px; }
      .stars { display: flex; gap: 4px; margin-bottom: 10px; }
      .stars button { border: 0; background: none; padding: 2px; color: #d1d5db; }
      .stars button.on { color: #f59e0b; }
      .row { display: flex; gap: 8px; margin-top: 10px; }
      .row input { flex: 1; font: inherit; font-size: var(--kf-field-size, inherit); padding: 9px 12px; border: 1px solid #d1d5db; border-radius: 10px; }
      .row button { border: 1px solid var(--kf-brand); color: var(--kf-brand); background: #fff; border-radius: 10px; padding: 0 12px; }
      .notice { color: var(--kf-muted); margin: 8px 0 0; }
    `,
  ];

  override render() {
    const t = this.t;
    return html`
      ${this.rated
        ? html`<h3>${t('thanks')}</h3>`
        : html`<h3>${t('rateTitle')}</h3>
            <div class="stars" role="radiogroup" aria-label=${t('rateTitle')}>
              ${[1, 2, 3, 4, 5].map(
                (n) => html`<button
                  type="button"
                  role="radio"
                  aria-checked=${this._score === n ? 'true' : 'false'}
                  aria-label=${t('rateStar', { n })}
                  class=${n <= this._score ? 'on' : ''}
                  @click=${() => (this._score = n)}
                >${starIcon}</button>`,
              )}
            </div>
            <div class="field"><textarea name="comment" aria-label=${t('comment')} placeholder=${t('comment')}></textarea></div>
            <button
              class="primary"
              ?disabled=${this._score === 0}
              @click=${() => {
                const comment = this.renderRoot.querySelector('textarea')?.value ?? '';
                this.dispatchEvent(new CustomEvent('kf-rate', { detail: { score: this._score, comment } }));
              }}
            >${t('submit')}</button>`}
      ${this.transcript
        ? html`<form
            class="row"
            @submit=${(e: Event) => {
              e.preventDefault();
              const email = (this.renderRoot.querySelector('input[type=email]') as HTMLInputElement).value.trim();
              if (email) this.dispatchEvent(new CustomEvent('kf-transcript', { detail: email }));
            }}
          >
            <input type="email" required readonly .value=${this.email} aria-label=${t('email')} placeholder=${t('email')} />
            <button type="submit">${t('transcript')}</button>
          </form>`
        : nothing}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat-rating': KfChatRating;
  }
}
