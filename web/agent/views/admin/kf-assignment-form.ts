import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { t, type MessageKey } from '../../../shared/i18n/i18n.js';
import type { AssignmentMode, AssignmentSettings } from '../../../shared/types.js';
import { base } from '../../styles.js';

const MODES: Array<[AssignmentMode, MessageKey]> = [
  ['off', 'autoAssign.modeOff'],
  ['round_robin', 'autoAssign.modeRoundRobin'],
  ['least_loaded', 'autoAssign.modeLeastLoaded'],
];

type NumberField = 'skillsFallbackSeconds' | 'stickyDays' | 'pickupSeconds' | 'awayGraceSeconds';
const NUMBERS: Array<[NumberField, MessageKey, MessageKey, number]> = [
  ['pickupSeconds', 'autoAssign.pickup', 'autoAssign.pickupHint', 86_400],
  ['awayGraceSeconds', 'autoAssign.awayGrace', 'autoAssign.awayGraceHint', 86_400],
  ['skillsFallbackSeconds', 'autoAssign.skillsFallback', 'autoAssign.skillsFallbackHint', 86_400],
  ['stickyDays', 'autoAssign.sticky', 'autoAssign.stickyHint', 365],
];

export const commaList = (text: string): string[] => [...new Set(text.split(/[,，、]/).map((s) => s.trim()).filter((s) => s !== ''))];

/**
 * The settings of one assignment scope (a team, or tickets without a team). It only edits: the screen that
 * holds it saves, on the `kf-save` event carrying the whole settings object.
 */
@customElement('kf-assignment-form')
export class KfAssignmentForm extends LitElement {
  static override styles = [
    base,
    css`
      form { display: grid; gap: 14px; }
      .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px 16px; }
      .field { width: 100%; }
      .hint { color: var(--kf-text-faint); font-size: var(--kf-text-xs); margin-top: 4px; }
      .checks { display: flex; flex-wrap: wrap; gap: 8px 20px; }
      .check { display: inline-flex; align-items: center; gap: 6px; font-size: var(--kf-text-sm); }
      .actions { display: flex; justify-content: flex-end; }
    `,
  ];

  @property({ attribute: false }) settings!: AssignmentSettings;
  @property({ type: Boolean }) readonly = false;

  private _submit(e: SubmitEvent) {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    const num = (name: string) => Number(f.get(name));
    const detail: AssignmentSettings = {
      mode: String(f.get('mode')) as AssignmentMode,
      channels: commaList(String(f.get('channels') ?? '')),
      capacity: { chat: num('capacityChat'), email: num('capacityEmail') },
      onlineOnlyForChat: f.get('onlineOnlyForChat') !== null,
      emailToAway: f.get('emailToAway') !== null,
      skillsFallbackSeconds: num('skillsFallbackSeconds'),
      stickyDays: num('stickyDays'),
      pickupSeconds: num('pickupSeconds'),
      awayGraceSeconds: num('awayGraceSeconds'),
    };
    this.dispatchEvent(new CustomEvent<AssignmentSettings>('kf-save', { detail, bubbles: true, composed: true }));
  }

  override render() {
    const s = this.settings;
    const ro = this.readonly;
    const id = (name: string) => `as-${name}`;
    return html`<form @submit=${this._submit}>
      <div class="grid">
        <div><label class="lbl" for=${id('mode')}>${t('autoAssign.mode')}</label>
          <select class="field" id=${id('mode')} name="mode" ?disabled=${ro}>${MODES.map(([m, k]) => html`<option value=${m} ?selected=${s.mode === m}>${t(k)}</option>`)}</select>
          <div class="hint">${t('autoAssign.modeHint')}</div></div>
        <div><label class="lbl" for=${id('channels')}>${t('autoAssign.channels')}</label>
          <input class="field" id=${id('channels')} name="channels" ?disabled=${ro} .value=${s.channels.join(', ')} />
          <div class="hint">${t('autoAssign.channelsHint')}</div></div>
        <div><label class="lbl" for=${id('capacityChat')}>${t('autoAssign.capacityChat')}</label>
          <input class="field" type="number" min="0" max="1000" required id=${id('capacityChat')} name="capacityChat" ?disabled=${ro} .value=${String(s.capacity.chat)} />
          <div class="hint">${t('autoAssign.capacityHint')}</div></div>
        <div><label class="lbl" for=${id('capacityEmail')}>${t('autoAssign.capacityEmail')}</label>
          <input class="field" type="number" min="0" max="10000" required id=${id('capacityEmail')} name="capacityEmail" ?disabled=${ro} .value=${String(s.capacity.email)} /></div>
        ${NUMBERS.map(([name, label, hint, max]) => html`<div><label class="lbl" for=${id(name)}>${t(label)}</label>
          <input class="field" type="number" min="0" max=${max} required id=${id(name)} name=${name} ?disabled=${ro} .value=${String(s[name])} />
          <div class="hint">${t(hint)}</div></div>`)}
      </div>
      <div class="checks">
        <label class="check"><input type="checkbox" name="onlineOnlyForChat" ?disabled=${ro} .checked=${s.onlineOnlyForChat} />${t('autoAssign.onlineOnlyForChat')}</label>
        <label class="check"><input type="checkbox" name="emailToAway" ?disabled=${ro} .checked=${s.emailToAway} />${t('autoAssign.emailToAway')}</label>
      </div>
      ${ro ? '' : html`<div class="actions"><button class="btn primary">${t('action.save')}</button></div>`}
    </form>`;
  }
}
