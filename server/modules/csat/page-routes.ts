import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { choosePage, messagePage, ratedPage, SURVEY_PAGE_CSP } from './page.js';
import { COMMENT_MAX, commentOnSurvey, rateSurvey } from './ratings.js';
import { surveyLanguage } from './settings.js';
import { surveyOfToken, surveyQuestion, validScore } from './survey-service.js';

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });

function send(reply: FastifyReply, status: number, html: string) {
  // The token in the address is the customer's key: never cached, never indexed.
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-robots-tag', 'noindex')
    .header('content-security-policy', SURVEY_PAGE_CSP)
    .send(html);
}

/**
 * The public survey pages a survey mail links to: server-rendered, no script, in the contact's language.
 * GET records the score (idempotently: mail scanners fetch links too); the comment form posts back to
 * the same signed address, which is what makes it safe from cross-site forgery.
 */
export const csatPageRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });
  const hide = { hide: true };
  const guessLang = (header: string | undefined) => surveyLanguage(header?.split(',')[0]?.trim() ?? null);

  app.get(
    '/csat/:token',
    { schema: { ...hide, params: TokenParams, querystring: Type.Object({ score: Type.Optional(Type.String({ maxLength: 8 })) }) } },
    async (request, reply) => {
      const found = await surveyOfToken(ctx, request.params.token);
      if (!found.ok) return send(reply, found.status, messagePage(guessLang(request.headers['accept-language']), found.kind));
      const { survey, lang } = found;
      const action = `/csat/${encodeURIComponent(request.params.token)}`;
      const score = validScore(survey.scale, request.query.score);
      if (score === null) {
        const existing = await ctx.db.selectFrom('csat_ratings').select(['score', 'comment']).where('survey_id', '=', survey.id).executeTakeFirst();
        if (existing) return send(reply, 200, ratedPage({ lang, scale: survey.scale, score: existing.score, comment: existing.comment, recorded: false, commentAction: `${action}/comment` }));
        const invalid = request.query.score !== undefined;
        return send(reply, invalid ? 400 : 200, choosePage(lang, survey.scale, action, await surveyQuestion(ctx, survey, lang), invalid));
      }
      const result = await rateSurvey(ctx, survey, score);
      if (!result) return send(reply, 404, messagePage(lang, 'notFound'));
      const { rating, recorded } = result;
      return send(reply, 200, ratedPage({ lang, scale: rating.scale, score: rating.score, comment: rating.comment, recorded, commentAction: `${action}/comment` }));
    },
  );

  app.post(
    '/csat/:token/comment',
    { schema: { ...hide, params: TokenParams, body: Type.Object({ comment: Type.Optional(Type.String({ maxLength: 20_000 })) }) } },
    async (request, reply) => {
      const found = await surveyOfToken(ctx, request.params.token);
      if (!found.ok) return send(reply, found.status, messagePage(guessLang(request.headers['accept-language']), found.kind));
      const { survey, lang } = found;
      const action = `/csat/${encodeURIComponent(request.params.token)}/comment`;
      const text = (request.body.comment ?? '').trim();
      const current = await ctx.db.selectFrom('csat_ratings').select(['score', 'comment']).where('survey_id', '=', survey.id).executeTakeFirst();
      if (!current) return send(reply, 400, choosePage(lang, survey.scale, `/csat/${encodeURIComponent(request.params.token)}`, await surveyQuestion(ctx, survey, lang), true));
      const page = (status: number, comment: string | null, note: 'commentThanks' | 'commentTooLong' | undefined) =>
        send(reply, status, ratedPage({ lang, scale: survey.scale, score: current.score, comment, recorded: true, commentAction: action, note }));
      if ([...text].length > COMMENT_MAX) return page(400, current.comment, 'commentTooLong');
      if (text === '') return page(200, current.comment, undefined);
      const result = await commentOnSurvey(ctx, survey, text);
      return page(200, result?.rating.comment ?? current.comment, 'commentThanks');
    },
  );
};
