import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import { botSettings, type BotLanguage, type BotSettings } from '../../data/bot.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';

const GREETING_LANGUAGES: Array<[BotLanguage, MessageKey]> = [
  ['en', 'csat.questionEn'],
  ['zh-CN', 'csat.questionZhCN'],
  ['zh-TW', 'csat.questionZhTW'],
];

/** One widget channel's answer bot: on or off, how sure it must be, how many articles it offers, its greeting. */
@customElement('kf-bot-settings')
export class KfBotSettings extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      form { display: grid; gap: 12px; border-top: 1px solid var(--kf-border); padding-top: 12px; margin-top: 12px; }
      h3 { margin: 0; font-size: var(--kf-text-md, 15px); }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px 16px; }
      .field { width: 100%; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 4px; }
      .check { display: inline-flex; align-items: center; gap: 8px; font-weight: 600; }
      .actions { display: flex; justify-content: flex-end; }
    `,
  ];

  @property() channel = '';
  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _settings: BotSettings | null = null;
  @state() private _saving = false;

  override connectedCallback() {
    super.connectedCallback();
    botSettings.get(this._store.api, this.channel).then((s) => (this._settings = s), toastError);
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    this._saving = true;
    try {
      this._settings = await botSettings.update(this._store.api, this.channel, {
        enabled: f.get('enabled') !== null,
        threshold: Number(text('threshold')) / 100,
        maxOffers: Number(text('maxOffers')),
        greetings: Object.fromEntries(GREETING_LANGUAGES.map(([code]) => [code, text(`g-${code}`)]).filter(([, v]) => v !== '')),
      });
      toast(t('bot.saved'));
    } catch (err) {
      toastError(err);
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const s = this._settings;
    if (!s) return html`<div class="muted">${t('app.loading')}</div>`;
    const id = (name: string) => `bot-${this.channel}-${name}`;
    return html`<form @submit=${this._submit} data-bot-settings=${this.channel}>
      <h3>${t('bot.title')}</h3>
      <p class="muted hint" style="margin:0">${t('bot.intro')}</p>
      <label class="check"><input type="checkbox" name="enabled" .checked=${s.enabled} />${t('bot.enabled')}</label>
      <div class="grid">
        <div><label class="lbl" for=${id('threshold')}>${t('bot.threshold')}</label>
          <input class="field" type="number" min="10" max="100" step="5" required id=${id('threshold')} name="threshold" .value=${String(Math.round(s.threshold * 100))} />
          <div class="hint">${t('bot.thresholdHint')}</div></div>
        <div><label class="lbl" for=${id('offers')}>${t('bot.maxOffers')}</label>
          <select class="field" id=${id('offers')} name="maxOffers">
            ${[2, 3].map((n) => html`<option value=${n} ?selected=${s.maxOffers === n}>${n}</option>`)}
          </select>
          <div class="hint">${t('bot.maxOffersHint')}</div></div>
      </div>
      <div><div class="lbl">${t('bot.greetings')}</div><div class="hint">${t('bot.greetingsHint')}</div></div>
      ${GREETING_LANGUAGES.map(([code, label]) => html`<div><label class="lbl" for=${id(`g-${code}`)}>${t(label)}</label>
        <input class="field" id=${id(`g-${code}`)} name="g-${code}" maxlength="500" lang=${code} .value=${s.greetings[code] ?? ''} /></div>`)}
      <div class="actions"><button class="btn primary" ?disabled=${this._saving}>${t('action.save')}</button></div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kf-bot-settings': KfBotSettings;
  }
}
