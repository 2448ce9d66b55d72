import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t } from '../../shared/i18n/i18n.js';
import { storeContext, type AppStore } from '../data/store.js';
import { icon } from '../icons.js';
import { base } from '../styles.js';
import { toast, toastError } from '../toast.js';

/** A WeChat link card: title, address and a line of description, sent as one card instead of text. */
@customElement('kf-wechat-card')
export class KfWechatCard extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      form { display: grid; grid-template-columns: 72px 1fr; gap: 6px 10px; align-items: center; padding: 8px 12px; border-bottom: 1px solid var(--kf-border); font-size: var(--kf-text-sm); }
      label { color: var(--kf-text-faint); }
      input { height: 28px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: var(--kf-radius); background: var(--kf-bg); outline: none; min-width: 0; }
      input:focus { border-color: var(--kf-accent); }
      .actions { grid-column: 1 / -1; display: flex; justify-content: flex-end; gap: 8px; }
      @media (max-width: 700px) { form { grid-template-columns: 1fr; gap: 2px; } label { margin-top: 4px; } }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @property({ type: Number }) ticketId = 0;
  @state() private _sending = false;

  private async _submit(e: Event) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    this._sending = true;
    try {
      await this._store.api.post('/channels/wechat/link-card', {
        ticketId: this.ticketId,
        title: value('title'),
        url: value('url'),
        ...(value('description') ? { description: value('description') } : {}),
      });
      toast(t('wechat.cardSent'));
      form.reset();
      this.dispatchEvent(new CustomEvent('done'));
    } catch (err) {
      toastError(err);
    } finally {
      this._sending = false;
    }
  }

  override render() {
    return html`<form data-form="wechat-card" @submit=${this._submit}>
      <label for="card-title">${t('wechat.cardTitle')}</label><input id="card-title" name="title" required maxlength="64" />
      <label for="card-url">${t('wechat.cardUrl')}</label><input id="card-url" name="url" type="url" required pattern="https?://.+" placeholder="https://" />
      <label for="card-desc">${t('wechat.cardDescription')}</label><input id="card-desc" name="description" maxlength="120" />
      <div class="actions">
        <button type="button" class="btn sm" @click=${() => this.dispatchEvent(new CustomEvent('done'))}>${t('action.cancel')}</button>
        <button type="submit" class="btn sm primary" ?disabled=${this._sending}>${icon('send', 12)}${t('wechat.sendCard')}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-wechat-card': KfWechatCard;
  }
}
