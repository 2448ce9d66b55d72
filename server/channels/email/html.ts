import sanitizeHtml from 'sanitize-html';

export interface SanitizeOptions {
  /** The agent consented to remote content for this message; otherwise remote images are blocked. */
  remoteImages?: boolean;
  /** Maps a `cid:` reference to the stored attachment's URL; null keeps the `cid:` link for later. */
  cidUrl?: (cid: string) => string | null;
}

export interface SanitizedHtml {
  html: string;
  /** How many remote images were replaced by a placeholder. */
  blockedRemoteImages: number;
  /** `cid:` references found, so the caller can tell inline images from plain attachments. */
  cids: string[];
}

const COLOR = /^(#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\(\s*[\d.\s,%]+\))$/i;
const LENGTH = /^-?[\d.]+(px|pt|em|rem|%|ex|cm|mm|in)?$/i;
const LENGTHS = /^((-?[\d.]+(px|pt|em|rem|%|ex)?|auto)\s*){1,4}$/i;
const BORDER = /^([\d.]+(px|pt|em)?\s*)?(none|solid|dashed|dotted|double)?\s*(#[0-9a-f]{3,8}|[a-z]{3,20}|rgba?\(\s*[\d.\s,%]+\))?$/i;

/** Styles that change how text looks; nothing that can load a URL (`url()`, `image-set`, `@import`). */
const ALLOWED_STYLES: Record<string, RegExp[]> = {
  color: [COLOR],
  'background-color': [COLOR],
  'text-align': [/^(left|right|center|justify|start|end)$/i],
  'vertical-align': [/^(top|middle|bottom|baseline)$/i],
  'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/i],
  'font-style': [/^(normal|italic|oblique)$/i],
  'font-size': [LENGTH, /^(x{0,2}-?small|medium|x{0,2}-?large|smaller|larger)$/i],
  'font-family': [/^[\w\s,"'\-\u0080-\uffff]+$/],
  'text-decoration': [/^(none|underline|line-through|overline)(\s+[a-z#0-9]+)*$/i],
  'line-height': [LENGTH, /^normal$/i],
  'white-space': [/^(normal|pre|pre-wrap|pre-line|nowrap)$/i],
  margin: [LENGTHS, /^auto$/i],
  'margin-left': [LENGTH],
  'margin-right': [LENGTH],
  'margin-top': [LENGTH],
  'margin-bottom': [LENGTH],
  padding: [LENGTHS],
  'padding-left': [LENGTH],
  border: [BORDER],
  'border-left': [BORDER],
  'border-top': [BORDER],
  width: [LENGTH, /^auto$/i],
  height: [LENGTH, /^auto$/i],
  'max-width': [LENGTH],
};

const TAGS = [
  ...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'style'),
  'img', 'span', 'font', 'center', 'u', 's', 'del', 'ins', 'sub', 'sup', 'col', 'colgroup', 'big', 'small',
];

/**
 * Keeps only the declarations in ALLOWED_STYLES. Done here rather than by sanitize-html's own
 * style filter, which runs a full CSS parser per element and costs tens of milliseconds on a
 * typical newsletter.
 */
export function filterStyle(style: string): string {
  const kept: string[] = [];
  for (const decl of style.split(';')) {
    // Anything that can fetch or escape (url(), expression(), @import, comments, escapes) goes.
    if (/\\|url\s*\(|expression\s*\(|@import|\/\*/i.test(decl)) continue;
    const colon = decl.indexOf(':');
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl.slice(colon + 1).replace(/\s*!important\s*$/i, '').trim();
    const allowed = ALLOWED_STYLES[prop];
    if (allowed && value.length < 200 && allowed.some((re) => re.test(value))) kept.push(`${prop}:${value}`);
  }
  return kept.join(';');
}

const IMAGE_DATA = /^data:image\/(png|gif|jpe?g|webp|bmp);base64,/i;

/** Containers mail clients put around the quoted earlier conversation, so the UI can fold them. */
function isQuoteContainer(tag: string, attribs: sanitizeHtml.Attributes): boolean {
  const cls = ` ${attribs.class ?? ''} `;
  if (tag === 'blockquote' && (attribs.type === 'cite' || cls.includes(' gmail_quote '))) return true;
  if (/ (gmail_quote|yahoo_quoted|moz-cite-prefix|protonmail_quote) /.test(cls)) return true;
  return attribs.id === 'divRplyFwdMsg' || attribs.id === 'mail-editor-reference-message-container';
}

/**
 * HTML from an email, made safe to show inside the agent app: no scripts, no event handlers,
 * no forms, no styles that load anything, and remote images replaced by a placeholder
 * (their address kept in `data-kf-remote-src` so the agent can choose to load them).
 */
export function sanitizeEmailHtml(input: string, opts: SanitizeOptions = {}): SanitizedHtml {
  let blockedRemoteImages = 0;
  const cids: string[] = [];
  const html = sanitizeHtml(input, {
    allowedTags: TAGS,
    allowedAttributes: {
      a: ['href', 'name', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title', 'width', 'height', 'class', 'data-kf-remote-src', 'data-kf-cid'],
      td: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
      th: ['colspan', 'rowspan', 'align', 'valign', 'width', 'height', 'bgcolor'],
      table: ['width', 'border', 'cellpadding', 'cellspacing', 'align', 'bgcolor'],
      font: ['color', 'size', 'face'],
      ol: ['start', 'type'],
      '*': ['style', 'align', 'dir', 'lang', 'class', 'title'],
    },
    allowedClasses: { '*': ['kf-quote'], img: ['kf-remote-image'] },
    parseStyleAttributes: false,
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https', 'cid', 'data'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => {
        const { style, class: _drop, ...plain } = attribs;
        const kept = style ? filterStyle(style) : '';
        return { tagName, attribs: { ...plain, ...(kept ? { style: kept } : {}), target: '_blank', rel: 'noopener noreferrer nofollow' } };
      },
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        const { src: _drop, style, ...plain } = attribs;
        const kept = style ? filterStyle(style) : '';
        const rest = kept ? { ...plain, style: kept } : plain;
        if (/^cid:/i.test(src)) {
          const cid = src.slice(4).replace(/^<|>$/g, '');
          cids.push(cid);
          const url = opts.cidUrl?.(cid) ?? null;
          return { tagName, attribs: url ? { ...rest, src: url } : { ...rest, src, 'data-kf-cid': cid } };
        }
        if (IMAGE_DATA.test(src)) return { tagName, attribs: { ...rest, src } };
        if (/^https?:/i.test(src) && opts.remoteImages) return { tagName, attribs: { ...rest, src } };
        if (/^https?:/i.test(src)) {
          blockedRemoteImages += 1;
          return { tagName, attribs: { ...rest, 'data-kf-remote-src': src, class: 'kf-remote-image' } };
        }
        return { tagName, attribs: rest };
      },
      // sanitize-html runs this after the tag's own transform; img and a are finished by then.
      '*': (tagName, attribs) => {
        if (tagName === 'img' || tagName === 'a') return { tagName, attribs };
        const { class: _drop, style, ...rest } = attribs;
        const kept = style ? filterStyle(style) : '';
        const out = kept ? { ...rest, style: kept } : rest;
        return { tagName, attribs: isQuoteContainer(tagName, attribs) ? { ...out, class: 'kf-quote' } : out };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src && !frame.attribs['data-kf-remote-src'],
  });
  return { html: html.trim(), blockedRemoteImages, cids };
}
