import { LitElement, html, css } from 'lit';
import { customElement } from 'lit/decorators.js';
import { LANGUAGES, currentLanguage, t } from '../../shared/i18n/i18n.js';

export const LANGUAGE_KEY = 'kefu.language';

/** Language switch for the screens shown before sign-in; the choice is remembered in this browser. */
@customElement('kf-language-select')
export class KfLanguageSelect extends LitElement {
  static override styles = css`
    select { border: 0; background: transparent; color: var(--kf-text-muted); font: inherit; font-size: var(--kf-text-sm); cursor: pointer; }
  `;
  private _change(e: Event) {
    localStorage.setItem(LANGUAGE_KEY, (e.target as HTMLSelectElement).value);
    location.reload();
  }
  override render() {
    return html`<select aria-label=${t('profile.language')} @change=${this._change}>
      ${LANGUAGES.map((l) => html`<option value=${l.code} ?selected=${l.code === currentLanguage()}>${l.label}</option>`)}
    </select>`;
  }
}
