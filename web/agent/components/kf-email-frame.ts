import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { t } from '../../shared/i18n/i18n.js';
import { splitQuotedHtml } from '../data/quoted.js';
import { base } from '../styles.js';

const CSP = "default-src 'none'; img-src data: https: http:; style-src 'unsafe-inline'; font-src data:";

/** Text with a line break wherever the HTML has a block boundary, to estimate the rendered height. */
function roughText(doc: Document): string {
  const clone = doc.body.cloneNode(true) as HTMLElement;
  clone.querySelectorAll('br,p,div,tr,li,h1,h2,h3,h4,h5,h6,blockquote,table').forEach((el) => el.append('\n'));
  return (clone.textContent ?? '').replace(/[ \t\u00a0]+/g, ' ').replace(/\n\s*\n\s*\n+/g, '\n\n').trim();
}

/**
 * Shows (server-sanitised) email HTML in an iframe with `sandbox=""` and a CSP: no script, no forms, no
 * same-origin access. The parent cannot read a sandboxed frame, so its height is estimated from the text.
 */
@customElement('kf-email-frame')
export class KfEmailFrame extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .sizer { resize: vertical; overflow: hidden; border-radius: var(--kf-radius); min-height: 60px; }
      iframe { display: block; width: 100%; height: 100%; border: 0; background: #fff; color-scheme: light; }
      .measure { position: absolute; visibility: hidden; left: 0; right: 0; white-space: pre-wrap; word-break: break-word; font: 14px/1.5 var(--kf-font); padding: 12px; }
      .tools { display: flex; gap: 6px; margin-top: 6px; }
      .fold { height: 20px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: 10px; background: var(--kf-bg-subtle); color: var(--kf-text-muted); font-size: var(--kf-text-xs); cursor: pointer; }
      .fold:hover { background: var(--kf-bg-hover); }
      .holder { position: relative; }
    `,
  ];

  @property() html = '';
  @state() private _showQuoted = false;
  @state() private _height = 120;
  @state() private _expanded = false;
  @query('.measure') private _measure?: HTMLElement;
  private _doc: Document | null = null;
  private _folded: { body: string; hasQuoted: boolean } = { body: '', hasQuoted: false };
  private _text = '';
  private _images = 0;
  private _blocks = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('html')) {
      // DOMParser builds an inert document: nothing in it runs or loads.
      this._doc = new DOMParser().parseFromString(this.html, 'text/html');
      this._folded = splitQuotedHtml(this._doc);
    }
    if (changed.has('html') || changed.has('_showQuoted')) {
      const doc = this._showQuoted || !this._folded.hasQuoted ? this._doc : new DOMParser().parseFromString(this._folded.body, 'text/html');
      this._text = doc ? roughText(doc) : '';
      this._images = doc ? doc.querySelectorAll('img').length : 0;
      // Paragraph margins are not in the text; each block adds about one em.
      this._blocks = doc ? doc.querySelectorAll('p,blockquote,h1,h2,h3,h4,h5,h6,ul,ol,pre,table,hr').length : 0;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (!changed.has('html') && !changed.has('_showQuoted') && !changed.has('_expanded')) return;
    requestAnimationFrame(() => {
      const h = (this._measure?.offsetHeight ?? 100) + this._blocks * 14 + Math.min(this._images, 6) * 120 + 12;
      const next = Math.max(60, this._expanded ? h + 400 : Math.min(h, 1200));
      if (Math.abs(next - this._height) > 4) this._height = next;
    });
  }

  private _srcdoc(): string {
    const body = this._showQuoted || !this._folded.hasQuoted ? (this._doc?.body.innerHTML ?? '') : this._folded.body;
    return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><base target="_blank"><style>
html{color-scheme:light}body{margin:0;padding:12px;font:14px/1.5 -apple-system,"Segoe UI","Liberation Sans","Noto Sans CJK SC",sans-serif;color:#1b1b1f;word-break:break-word;overflow-x:auto}
img{max-width:100%;height:auto}blockquote{margin:0 0 0 4px;padding-left:10px;border-left:3px solid #d0d0d7;color:#62626d}a{color:#4f5bd5}pre{white-space:pre-wrap}table{max-width:100%}
</style></head><body>${body}</body></html>`;
  }

  override render() {
    return html`<div class="holder">
      <div class="measure" aria-hidden="true">${this._text}</div>
      <div class="sizer" style="height:${this._height}px"><iframe sandbox="" referrerpolicy="no-referrer" title=${t('message.emailContent')} .srcdoc=${this._srcdoc()}></iframe></div>
      <div class="tools">
        ${this._folded.hasQuoted
          ? html`<button class="fold" aria-expanded=${this._showQuoted} title=${this._showQuoted ? t('message.hideQuoted') : t('message.showQuoted')} @click=${() => (this._showQuoted = !this._showQuoted)}>•••</button>`
          : ''}
        ${this._height >= 1200 || this._expanded
          ? html`<button class="fold" @click=${() => (this._expanded = !this._expanded)}>${this._expanded ? t('message.collapse') : t('message.expand')}</button>`
          : ''}
      </div>
    </div>`;
  }
}
