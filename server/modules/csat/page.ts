import type { SurveyLanguage } from './settings.js';
import type { CsatScale } from './tables.js';
import { COMMENT_MAX } from './ratings.js';
import { SURVEY_TEXTS, scoreLabel, scoresOf } from './texts.js';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** No script and no outside resource: the page works in any mail app's browser, on any phone. */
export const SURVEY_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'";

const STYLE = `
  *{box-sizing:border-box}
  body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","PingFang TC","Microsoft YaHei","Microsoft JhengHei",sans-serif;background:#f4f5f7;color:#1f2937}
  main{max-width:480px;margin:0 auto;padding:32px 16px}
  .card{background:#fff;border:1px solid #e3e6eb;border-radius:12px;padding:24px 20px}
  h1{font-size:20px;margin:0 0 8px}
  p{margin:8px 0}
  .muted{color:#6b7280}
  .error{color:#b42318}
  blockquote{margin:12px 0;padding:8px 12px;border-left:3px solid #c9ced6;white-space:pre-wrap}
  .scores{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0 0;padding:0;list-style:none}
  .scores a{display:block;min-width:44px;padding:10px 14px;border:1px solid #c9ced6;border-radius:8px;color:#1f2937;text-decoration:none}
  .scores a:hover,.scores a:focus{border-color:#2563eb;outline:none;background:#eff4ff}
  label{display:block;font-weight:600;margin:20px 0 6px}
  textarea{width:100%;min-height:110px;padding:10px;border:1px solid #c9ced6;border-radius:8px;font:inherit;resize:vertical}
  button{margin-top:10px;padding:10px 18px;border:0;border-radius:8px;background:#2563eb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
`;

function layout(lang: SurveyLanguage, body: string): string {
  const tx = SURVEY_TEXTS[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(tx.pageTitle)}</title><style>${STYLE}</style></head><body><main><div class="card">${body}</div></main></body></html>`;
}

export function messagePage(lang: SurveyLanguage, kind: 'forged' | 'notFound' | 'expired'): string {
  return layout(lang, `<h1 class="error" data-csat-error="${kind}">${escapeHtml(SURVEY_TEXTS[lang][kind])}</h1>`);
}

/** The rating choices, for a visit without a score or with one the scale does not offer. */
export function choosePage(lang: SurveyLanguage, scale: CsatScale, action: string, question: string, invalid: boolean): string {
  const tx = SURVEY_TEXTS[lang];
  const links = scoresOf(scale)
    .map((s) => `<li><a href="${escapeHtml(`${action}?score=${s}`)}" data-score="${s}">${escapeHtml(scoreLabel(lang, scale, s))}</a></li>`)
    .join('');
  return layout(lang, `<h1>${escapeHtml(question)}</h1>${invalid ? `<p class="error">${escapeHtml(tx.invalidScore)}</p>` : ''}<ul class="scores">${links}</ul>`);
}

export interface RatedPageInput {
  lang: SurveyLanguage;
  scale: CsatScale;
  score: number;
  comment: string | null;
  /** the click that showed this page recorded the score; false: an earlier one had */
  recorded: boolean;
  commentAction: string;
  note?: 'commentThanks' | 'commentTooLong' | undefined;
}

/** Thanks, the score as recorded, and the comment form until a comment was sent. */
export function ratedPage(p: RatedPageInput): string {
  const tx = SURVEY_TEXTS[p.lang];
  const label = scoreLabel(p.lang, p.scale, p.score);
  const head = p.recorded
    ? `<h1 data-csat-state="recorded">${escapeHtml(tx.thanks)}</h1><p class="muted">${escapeHtml(tx.recorded(label))}</p>`
    : `<h1 data-csat-state="already">${escapeHtml(tx.thanks)}</h1><p class="muted">${escapeHtml(tx.already(label))}</p>`;
  const note = p.note === 'commentThanks' ? `<p data-csat-state="commented">${escapeHtml(tx.commentThanks)}</p>` : p.note === 'commentTooLong' ? `<p class="error">${escapeHtml(tx.commentTooLong)}</p>` : '';
  const comment = p.comment !== null ? `<blockquote class="muted">${escapeHtml(p.comment)}</blockquote>` : '';
  const form =
    p.comment === null
      ? `<form method="post" action="${escapeHtml(p.commentAction)}"><label for="comment">${escapeHtml(tx.commentLabel)}</label><textarea id="comment" name="comment" maxlength="${COMMENT_MAX}"></textarea><button type="submit">${escapeHtml(tx.commentSend)}</button></form>`
      : '';
  return layout(p.lang, `${head}${note}${comment}${form}`);
}
