import { LitElement, html } from 'lit';
import { customElement } from 'lit/decorators.js';

@customElement('kf-app')
export class KfApp extends LitElement {
  override render() {
    return html`<p>Kefu</p>`;
  }
}
