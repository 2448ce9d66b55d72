import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { findTicket } from '../tickets/queries.js';
import { loadCsatSettings, surveyLanguage, type SurveyLanguage } from './settings.js';
import type { CsatSurveysTable } from './tables.js';
import { SURVEY_TEXTS } from './texts.js';
import { verifySurveyToken } from './token.js';

/** How long a survey's links work after it was sent. */
export const SURVEY_LINK_DAYS = 30;

export type SurveyLookup =
  | { ok: true; survey: CsatSurveysTable; lang: SurveyLanguage }
  | { ok: false; status: 400 | 404 | 410; kind: 'forged' | 'notFound' | 'expired' };

/** The survey a link stands for: a forged link is 400, one whose ticket is gone 404, an old one 410. */
export async function surveyOfToken(ctx: AppContext, token: string, at = now()): Promise<SurveyLookup> {
  const check = verifySurveyToken(ctx.secret, token);
  if (!check.ok) return { ok: false, status: 400, kind: 'forged' };
  const survey = await ctx.db.selectFrom('csat_surveys').selectAll().where('id', '=', check.surveyId).where('ticket_id', '=', check.ticketId).executeTakeFirst();
  // A deleted ticket took its survey with it (foreign key cascade).
  if (!survey || survey.status !== 'sent' || survey.sent_at === null) return { ok: false, status: 404, kind: 'notFound' };
  if (at - survey.sent_at > SURVEY_LINK_DAYS * 86_400_000) return { ok: false, status: 410, kind: 'expired' };
  return { ok: true, survey, lang: surveyLanguage(survey.language) };
}

/** The question the survey asks: the admins' own wording in this language, else the built-in one. */
export async function surveyQuestion(ctx: AppContext, survey: CsatSurveysTable, lang: SurveyLanguage): Promise<string> {
  const [settings, ticket] = await Promise.all([loadCsatSettings(ctx.db), findTicket(ctx.db, survey.ticket_id)]);
  return settings.questions[lang]?.trim() || SURVEY_TEXTS[lang].question(ticket?.subject ?? '');
}

/** Which score a scale accepts: faces are 1, 3 and 5 only. */
export function validScore(scale: CsatSurveysTable['scale'], raw: string | undefined): number | null {
  if (raw === undefined || !/^[1-5]$/.test(raw)) return null;
  const score = Number(raw);
  return scale === 'faces' && score % 2 === 0 ? null : score;
}
