import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { PrechatFieldName } from '../../server/channels/widget/protocol.js';
import type { Translate } from './i18n.js';
import { base } from './styles.js';

export interface FormField {
  field: PrechatFieldName | 'message';
  required: boolean;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The pre-chat form and the offline "leave your email" form: fields in, `kf-submit` {values} out. */
@customElement('kf-chat-form')
export class KfChatForm extends LitElement {
  @property({ attribute: false }) t!: Translate;
  @property({ attribute: false }) fields: FormField[] = [];
  @property() intro = '';
  @property() heading = '';
  @property() submitLabel = '';
  @property({ type: Boolean }) busy = false;
  @property() error = '';
  @state() private _errors: Partial<Record<FormField['field'], string>> = {};

  static override styles = [
    base,
    css`
      :host { display: block; padding: 20px 18px; }
      h2 { font-size: 17px; margin: 0 0 6px; }
      p { margin: 0 0 16px; color: var(--kf-muted); }
      .fail { color: var(--kf-danger); margin: 0 0 12px; }
    `,
  ];

  #submit(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const values: Record<string, string> = {};
    const errors: Partial<Record<FormField['field'], string>> = {};
    for (const f of this.fields) {
      const value = String(data.get(f.field) ?? '').trim();
      if (f.required && !value) errors[f.field] = this.t('required');
      else if (f.field === 'email' && value && !EMAIL.test(value)) errors[f.field] = this.t('invalidEmail');
      if (value) values[f.field] = value;
    }
    this._errors = errors;
    if (Object.keys(errors).length === 0) this.dispatchEvent(new CustomEvent('kf-submit', { detail: values }));
  }

  override render() {
    const t = this.t;
    return html`
      ${this.heading ? html`<h2>${this.heading}</h2>` : nothing}
      ${this.intro ? html`<p>${this.intro}</p>` : nothing}
      ${this.error ? html`<p class="fail" role="alert">${this.error}</p>` : nothing}
      <form novalidate @submit=${this.#submit}>
        ${this.fields.map((f) => {
          const id = `f-${f.field}`;
          const err = this._errors[f.field];
          return html`<div class="field">
            <label for=${id}>${t(f.field)} ${f.required ? nothing : html`<small>${t('optional')}</small>`}</label>
            ${f.field === 'message'
              ? html`<textarea id=${id} name="message" aria-invalid=${err ? 'true' : 'false'}></textarea>`
              : html`<input
                  id=${id}
                  name=${f.field}
                  type=${f.field === 'email' ? 'email' : f.field === 'phone' ? 'tel' : 'text'}
                  autocomplete=${f.field === 'phone' ? 'tel' : f.field}
                  aria-invalid=${err ? 'true' : 'false'}
                />`}
            ${err ? html`<span class="err">${err}</span>` : nothing}
          </div>`;
        })}
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.submitLabel}</button>
      </form>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-chat-form': KfChatForm;
  }
}
