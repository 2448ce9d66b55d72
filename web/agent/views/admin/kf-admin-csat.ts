import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import { csatSettings, type CsatScale, type CsatSettings } from '../../data/csat.js';
import { storeContext, type AppStore } from '../../data/store.js';
import { base } from '../../styles.js';
import { toast, toastError } from '../../toast.js';
import { page } from '../page-styles.js';
import { commaList } from './kf-assignment-form.js';

const QUESTION_LANGUAGES: Array<['en' | 'zh-CN' | 'zh-TW', MessageKey]> = [
  ['en', 'csat.questionEn'],
  ['zh-CN', 'csat.questionZhCN'],
  ['zh-TW', 'csat.questionZhTW'],
];

/** Settings → Satisfaction: whether, when and how resolved tickets' customers are surveyed by email. */
@customElement('kf-admin-csat')
export class KfAdminCsat extends LitElement {
  static override styles = [
    base,
    page,
    css`
      form { display: grid; gap: 16px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px 16px; }
      .field { width: 100%; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 4px; }
      .check { display: inline-flex; align-items: center; gap: 8px; font-weight: 600; }
      .questions { display: grid; gap: 10px; }
      .actions { display: flex; justify-content: flex-end; }
    `,
  ];

  @consume({ context: storeContext, subscribe: true }) private _store!: AppStore;
  @state() private _settings: CsatSettings | null = null;
  @state() private _saving = false;

  override connectedCallback() {
    super.connectedCallback();
    csatSettings.get(this._store.api).then((s) => (this._settings = s), toastError);
  }

  private async _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const patch: CsatSettings = {
      enabled: f.get('enabled') !== null,
      delayMinutes: Number(f.get('delayMinutes')),
      scale: text('scale') as CsatScale,
      channels: commaList(text('channels')),
      questions: Object.fromEntries(QUESTION_LANGUAGES.map(([code]) => [code, text(`q-${code}`)])),
    };
    this._saving = true;
    try {
      this._settings = await csatSettings.update(this._store.api, patch);
      toast(t('csat.saved'));
    } catch (err) {
      toastError(err);
    } finally {
      this._saving = false;
    }
  }

  override render() {
    const s = this._settings;
    return html`<div class="page-head"><h1>${t('admin.csat')}</h1></div>
      <div class="page-body"><div class="narrow">
        <div class="panel">
          <p class="desc">${t('csat.intro')}</p>
          <div class="body">${s ? this._form(s) : html`<div class="empty">${t('app.loading')}</div>`}</div>
        </div>
      </div></div>`;
  }

  private _form(s: CsatSettings) {
    return html`<form @submit=${this._submit}>
      <label class="check"><input type="checkbox" name="enabled" .checked=${s.enabled} />${t('csat.enabled')}</label>
      <div class="grid">
        <div><label class="lbl" for="csat-delay">${t('csat.delay')}</label>
          <input class="field" type="number" min="0" max="43200" required id="csat-delay" name="delayMinutes" .value=${String(s.delayMinutes)} />
          <div class="hint">${t('csat.delayHint')}</div></div>
        <div><label class="lbl" for="csat-scale">${t('csat.scale')}</label>
          <select class="field" id="csat-scale" name="scale">
            <option value="1-5" ?selected=${s.scale === '1-5'}>${t('csat.scaleNumbers')}</option>
            <option value="faces" ?selected=${s.scale === 'faces'}>${t('csat.scaleFaces')}</option>
          </select></div>
        <div><label class="lbl" for="csat-channels">${t('csat.channels')}</label>
          <input class="field" id="csat-channels" name="channels" .value=${s.channels.join(', ')} />
          <div class="hint">${t('csat.channelsHint')}</div></div>
      </div>
      <div class="questions">
        <div><div class="lbl">${t('csat.questions')}</div><div class="hint">${t('csat.questionsHint')}</div></div>
        ${QUESTION_LANGUAGES.map(([code, label]) => html`<div><label class="lbl" for="csat-q-${code}">${t(label)}</label>
          <input class="field" id="csat-q-${code}" name="q-${code}" maxlength="300" lang=${code} .value=${s.questions[code] ?? ''} /></div>`)}
      </div>
      <div class="actions"><button class="btn primary" ?disabled=${this._saving}>${t('action.save')}</button></div>
    </form>`;
  }
}
