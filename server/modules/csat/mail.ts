import type { CsatSettings, SurveyLanguage } from './settings.js';
import type { CsatScale } from './tables.js';
import { SURVEY_TEXTS, scoreLabel, scoresOf } from './texts.js';

export interface SurveyMailInput {
  language: SurveyLanguage;
  scale: CsatScale;
  contactName: string | null;
  ticketSubject: string;
  /** the signed survey page; each score links to it with ?score=N */
  link: string;
  questions: CsatSettings['questions'];
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The survey mail: a question and one link per score, in plain text and in HTML (the same links). */
export function surveyMail(m: SurveyMailInput): { subject: string; text: string; html: string } {
  const tx = SURVEY_TEXTS[m.language];
  const question = m.questions[m.language]?.trim() || tx.question(m.ticketSubject);
  const scores = scoresOf(m.scale).map((score) => ({ label: scoreLabel(m.language, m.scale, score), href: `${m.link}?score=${score}` }));
  const text = [tx.greeting(m.contactName), '', question, tx.pickOne, '', ...scores.map((s) => `${s.label}: ${s.href}`), '', tx.footer, ''].join('\n');
  const button = (s: { label: string; href: string }) =>
    `<a href="${escapeHtml(s.href)}" style="display:inline-block;margin:4px;padding:10px 14px;border:1px solid #c9ced6;border-radius:8px;color:#1f2937;text-decoration:none;font-size:16px">${escapeHtml(s.label)}</a>`;
  const html =
    `<div style="font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei',sans-serif;font-size:15px;color:#1f2937;line-height:1.5">` +
    `<p>${escapeHtml(tx.greeting(m.contactName))}</p><p>${escapeHtml(question)}</p><p>${escapeHtml(tx.pickOne)}</p>` +
    `<p>${scores.map(button).join('')}</p><p style="color:#6b7280">${escapeHtml(tx.footer)}</p></div>`;
  return { subject: tx.subject, text, html };
}
