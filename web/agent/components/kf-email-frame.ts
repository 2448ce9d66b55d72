import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import { t } from '../../shared/i18n/i18n.js';
import { splitQuotedHtml } from '../data/quoted.js';
import { base } from '../styles.js';

// Remote images are allowed by the policy but absent from the HTML until the agent asks for them:
// the server keeps their addresses in data-kf-remote-src.
const CSP = "default-src 'none'; img-src data: https: http: blob:; style-src 'unsafe-inline'; font-src data:";
const MAX_HEIGHT = 1200;

/**
 * Shows (server-sanitised) email HTML in a sandboxed iframe with a CSP. The sandbox allows no script,
 * form or navigation of this page; it keeps the frame same-origin only so we can measure its real
 * height and swap in remote images on request. Links open in a new tab, outside the sandbox.
 */
@customElement('kf-email-frame')
export class KfEmailFrame extends LitElement {
  static override styles = [
    base,
    css`
      :host { display: block; }
      .sizer { overflow: hidden; border-radius: var(--kf-radius); min-height: 40px; }
      iframe { display: block; width: 100%; height: 100%; border: 0; background: #fff; color-scheme: light; }
      .tools { display: flex; gap: 6px; margin-top: 6px; align-items: center; flex-wrap: wrap; }
      .fold { height: 20px; padding: 0 8px; border: 1px solid var(--kf-border); border-radius: 10px; background: var(--kf-bg-subtle); color: var(--kf-text-muted); font-size: var(--kf-text-xs); cursor: pointer; }
      .fold:hover { background: var(--kf-bg-hover); }
      .blocked { font-size: var(--kf-text-xs); color: var(--kf-text-muted); }
    `,
  ];

  @property() html = '';
  @state() private _showQuoted = false;
  @state() private _loadImages = false;
  @state() private _height = 80;
  @state() private _contentHeight = 0;
  @state() private _expanded = false;
  @query('iframe') private _frame?: HTMLIFrameElement;
  private _doc: Document | null = null;
  private _folded: { body: string; hasQuoted: boolean } = { body: '', hasQuoted: false };
  private _remoteImages = 0;

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('html')) {
      // DOMParser builds an inert document: nothing in it runs or loads.
      this._doc = new DOMParser().parseFromString(this.html, 'text/html');
      this._folded = splitQuotedHtml(this._doc);
      this._remoteImages = this._doc.querySelectorAll('img[data-kf-remote-src]').length;
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('_expanded') || changed.has('_contentHeight')) {
      this._height = this._expanded ? this._contentHeight : Math.min(this._contentHeight, MAX_HEIGHT);
    }
  }

  private _srcdoc(): string {
    const body = this._showQuoted || !this._folded.hasQuoted ? (this._doc?.body.innerHTML ?? '') : this._folded.body;
    return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CSP}"><base target="_blank"><style>
html{color-scheme:light}body{margin:0;padding:12px;font:14px/1.5 -apple-system,"Segoe UI","Liberation Sans","Noto Sans CJK SC",sans-serif;color:#1b1b1f;word-break:break-word;overflow-x:auto}
img{max-width:100%;height:auto}img.kf-remote-image:not([src]){display:none}blockquote{margin:0 0 0 4px;padding-left:10px;border-left:3px solid #d0d0d7;color:#62626d}a{color:#4f5bd5}pre{white-space:pre-wrap}table{max-width:100%}
</style></head><body>${body}</body></html>`;
  }

  /** Measures the rendered document, again whenever one of its images finishes loading. */
  private _onLoad(): void {
    const doc = this._frame?.contentDocument;
    if (!doc) return;
    if (this._loadImages) {
      for (const img of doc.querySelectorAll<HTMLImageElement>('img[data-kf-remote-src]')) {
        img.src = img.dataset.kfRemoteSrc ?? '';
      }
    }
    const measure = () => {
      const h = Math.ceil(doc.documentElement.scrollHeight);
      if (Math.abs(h - this._contentHeight) > 2) this._contentHeight = h;
    };
    measure();
    for (const img of doc.images) if (!img.complete) img.addEventListener('load', measure, { once: true });
  }

  override render() {
    const tooTall = this._contentHeight > MAX_HEIGHT;
    return html`
      <div class="sizer" style="height:${this._height}px">
        <iframe
          sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
          referrerpolicy="no-referrer"
          title=${t('message.emailContent')}
          .srcdoc=${this._srcdoc()}
          @load=${() => this._onLoad()}
        ></iframe>
      </div>
      <div class="tools">
        ${this._folded.hasQuoted
          ? html`<button class="fold" aria-expanded=${this._showQuoted} title=${this._showQuoted ? t('message.hideQuoted') : t('message.showQuoted')} @click=${() => (this._showQuoted = !this._showQuoted)}>•••</button>`
          : ''}
        ${tooTall || this._expanded
          ? html`<button class="fold" @click=${() => (this._expanded = !this._expanded)}>${this._expanded ? t('message.collapse') : t('message.expand')}</button>`
          : ''}
        ${this._remoteImages > 0 && !this._loadImages
          ? html`<span class="blocked">${t('message.imagesBlocked')}</span>
              <button class="fold" @click=${() => this._onLoadImages()}>${t('message.loadImages')}</button>`
          : ''}
      </div>
    `;
  }

  private _onLoadImages(): void {
    this._loadImages = true;
    this._onLoad();
  }
}
