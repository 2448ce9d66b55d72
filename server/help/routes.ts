import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { NotFound, TooManyRequests } from '../http/errors.js';
import { findAttachment } from '../modules/attachments/queries.js';
import { attachmentPath } from '../modules/attachments/storage.js';
import { articlePath } from '../modules/kb/presenter.js';
import { articlePage, categoryPage, homeCategories, publicFile } from '../modules/kb/public.js';
import { searchArticles } from '../modules/kb/search.js';
import { KB_LOCALES, type KbLocale } from '../modules/kb/tables.js';
import { castVote, makeVoteLimiter, VISITOR_COOKIE } from '../modules/kb/vote-routes.js';
import { countView } from '../modules/kb/votes.js';
import type { Html } from './html.js';
import { siteOf } from './layout.js';
import { localeFromHeader, translator } from './messages.js';
import { articleView, categoryView, homePage, notFoundView, searchPage, type Reader } from './pages.js';
import { sitemapXml } from './sitemap.js';

/** No script may run on these pages; they need none. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'";
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

const isLocale = (s: string | undefined): s is KbLocale => KB_LOCALES.includes(s as KbLocale);

/**
 * The public help center: server-rendered pages that work without JavaScript, published
 * articles only. Routes → kb services → queries, like the API; pages are plain functions.
 */
export const helpCenterRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const site = siteOf(ctx.config);
  const votes = makeVoteLimiter(ctx, 'kb-votes-help');
  const reader = (locale: KbLocale): Reader => ({ site, locale, t: translator(locale) });

  // Pages, not API: kept out of /api/docs.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });

  // The feedback buttons are plain forms.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const send = (reply: FastifyReply, page: Html, status = 200) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache').send(page.value);
  const notFound = (reply: FastifyReply, locale: KbLocale) => send(reply, notFoundView(reader(locale)), 404);

  app.get('/help', async (request, reply) => {
    const locale = localeFromHeader(request.headers['accept-language']);
    return send(reply.header('vary', 'Accept-Language'), homePage(reader(locale), await homeCategories(ctx.db, locale, 5)));
  });

  app.get<{ Params: { locale: string } }>('/help/:locale', async (request, reply) => {
    const { locale } = request.params;
    if (!isLocale(locale)) return notFound(reply, localeFromHeader(request.headers['accept-language']));
    return send(reply, homePage(reader(locale), await homeCategories(ctx.db, locale, 5)));
  });

  app.get<{ Querystring: { q?: string; locale?: string } }>('/help/search', async (request, reply) => {
    const locale = isLocale(request.query.locale) ? request.query.locale : localeFromHeader(request.headers['accept-language']);
    const q = (typeof request.query.q === 'string' ? request.query.q : '').slice(0, 200);
    const hits = q.trim() === '' ? [] : await searchArticles(ctx, q, locale, 20);
    return send(reply, searchPage(reader(locale), q, hits));
  });

  app.get<{ Params: { locale: string; slug: string } }>('/help/:locale/categories/:slug', async (request, reply) => {
    const { locale, slug } = request.params;
    if (!isLocale(locale)) return notFound(reply, 'en');
    const data = await categoryPage(ctx.db, locale, slug);
    return data ? send(reply, categoryView(reader(locale), data)) : notFound(reply, locale);
  });

  app.get<{ Params: { locale: string; slug: string }; Querystring: { voted?: string } }>('/help/:locale/articles/:slug', async (request, reply) => {
    const { locale, slug } = request.params;
    if (!isLocale(locale)) return notFound(reply, 'en');
    const data = await articlePage(ctx.db, locale, slug);
    if (!data) return notFound(reply, locale);
    ensureVisitorCookie(ctx, request, reply);
    await countView(ctx, data.article.id);
    const voted = request.query.voted === 'thanks' || request.query.voted === 'limited' ? request.query.voted : null;
    return send(reply, articleView(reader(locale), data, { html: data.article.body_html, description: data.article.body_text.slice(0, 160), voted }));
  });

  app.post<{ Params: { locale: string; slug: string }; Body: Record<string, string> | undefined }>('/help/:locale/articles/:slug/vote', async (request, reply) => {
    const { locale, slug } = request.params;
    if (!isLocale(locale)) return notFound(reply, 'en');
    const data = await articlePage(ctx.db, locale, slug);
    if (!data) return notFound(reply, locale);
    const helpful = request.body?.helpful;
    if (helpful !== 'yes' && helpful !== 'no') return reply.redirect(articlePath(locale, slug), 303);
    let outcome = 'thanks';
    try {
      await castVote(ctx, votes, request, data.article.id, helpful === 'yes');
    } catch (err) {
      if (!(err instanceof TooManyRequests)) throw err;
      outcome = 'limited';
    }
    // Post/redirect/get: a reload does not vote again, and the page says the vote counted.
    return reply.redirect(`${articlePath(locale, slug)}?voted=${outcome}#feedback`, 303);
  });

  app.get('/help/sitemap.xml', async (_request, reply) =>
    reply.header('content-type', 'application/xml; charset=utf-8').send(await sitemapXml(ctx.db, site.origin)),
  );

  app.get<{ Params: { id: string; name: string } }>('/help/files/:id/:name', async (request, reply) => {
    const id = Number(request.params.id);
    const row = Number.isSafeInteger(id) && id > 0 ? await findAttachment(ctx.db, id) : undefined;
    if (!row || row.name !== request.params.name || !IMAGE_TYPES.has(row.content_type) || !(await publicFile(ctx.db, id))) {
      throw new NotFound('file');
    }
    const file = attachmentPath(ctx.paths.attachments, row.sha256);
    if (!existsSync(file)) throw new NotFound('file');
    return reply
      .header('content-type', row.content_type)
      .header('content-length', String(row.size))
      .header('cache-control', 'public, max-age=3600')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(createReadStream(file));
  });
};

/** A random visitor id so one browser votes once per article; no account, nothing else in it. */
function ensureVisitorCookie(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  if (request.cookies[VISITOR_COOKIE]) return;
  reply.setCookie(VISITOR_COOKIE, randomBytes(16).toString('hex'), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.server.public_url.startsWith('https://'),
    maxAge: 365 * 86_400,
  });
}
