import { createReadStream, existsSync } from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.js';
import { randomToken } from '../crypto.js';
import { sharedLimiter } from '../http/attempt-limiter.js';
import { findAttachment } from '../modules/attachments/queries.js';
import { maxAttachmentBytes } from '../modules/attachments/service.js';
import { attachmentPath } from '../modules/attachments/storage.js';
import { KB_LOCALES, type KbLocale } from '../modules/kb/tables.js';
import { checkLoginLink, LOGIN_CONFIRM_PATH, LOGIN_PATH, looksLikeEmail, normalizeEmail, redeemLoginLink, requestLoginLink } from '../modules/portal/login.js';
import { csrfMatches, endPortalSession, findPortalSession, PORTAL_COOKIE, PORTAL_SESSION_TTL_MS, type PortalSession } from '../modules/portal/sessions.js';
import { contactMayDownload, contactTicket, contactTickets, portalChannel, portalFilePath, postAsContact, postAsVisitor, publicMessages } from '../modules/portal/tickets.js';
import type { Html } from './html.js';
import { siteOf } from './layout.js';
import { localeFromHeader, translator } from './messages.js';
import type { Reader } from './pages.js';
import { readPortalForm } from './portal-form.js';
import { postedFromOurSite } from './same-origin.js';
import { confirmSignInView, linkProblemView, linkSentView, messageView, newTicketView, signInView, ticketsView, ticketView, type Notice, type Signed } from './portal-pages.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const LOCALE_COOKIE = 'kefu_help_locale';
const MIN = 60_000;
const MAX_FILES = 5;

const isLocale = (s: unknown): s is KbLocale => KB_LOCALES.includes(s as KbLocale);

/** Limits instead of a captcha; counted across processes when several share PostgreSQL. */
function limiters(ctx: AppContext) {
  const limiter = (name: string, max: number, windowMs: number) => {
    const l = sharedLimiter(ctx.database, `portal-${name}`, max, windowMs);
    return { take: async (key: string) => (await l.attempt(key)) === 0 };
  };
  return {
    loginIp: limiter('login-ip', 10, 15 * MIN),
    loginEmail: limiter('login-email', 3, 15 * MIN),
    newIp: limiter('new-ip', 5, 60 * MIN),
    newEmail: limiter('new-email', 3, 60 * MIN),
    replies: limiter('replies', 30, 10 * MIN),
  };
}

/**
 * The customer portal under /help/tickets: sign in with a one-time link, see your tickets and their
 * public messages, reply, open a new one. Plain forms, no script; a session of its own, never an agent's.
 */
export const portalRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  const site = siteOf(ctx.config);
  const limit = limiters(ctx);
  const maxBytes = maxAttachmentBytes(ctx);
  const maxMb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  const secure = ctx.config.server.public_url.startsWith('https://');

  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true };
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  await app.register(fastifyMultipart, { limits: { files: MAX_FILES, fields: 20, fieldSize: 100 * 1024, fileSize: maxBytes }, throwFileSizeLimit: false });

  const readerOf = (request: FastifyRequest, reply: FastifyReply): Reader => {
    const asked = (request.query as Record<string, unknown> | undefined)?.locale;
    let locale: KbLocale;
    if (isLocale(asked)) {
      locale = asked;
      reply.setCookie(LOCALE_COOKIE, asked, { path: '/help', httpOnly: true, sameSite: 'lax', secure, maxAge: 365 * 86_400 });
    } else {
      const saved = request.cookies[LOCALE_COOKIE];
      locale = isLocale(saved) ? saved : localeFromHeader(request.headers['accept-language']);
    }
    return { site, locale, t: translator(locale) };
  };
  const send = (reply: FastifyReply, page: Html, status = 200) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      // A sign-in link's token is in its page's URL: it must not ride along to other sites.
      .header('referrer-policy', 'same-origin')
      .header('vary', 'Accept-Language, Cookie')
      .send(page.value);
  const sessionOf = (request: FastifyRequest) => findPortalSession(ctx, request.cookies[PORTAL_COOKIE]);
  const signedOf = async (session: PortalSession): Promise<Signed> => {
    const contact = await ctx.db.selectFrom('contacts').select(['email']).where('id', '=', session.contactId).executeTakeFirst();
    return { email: contact?.email ?? '', csrf: session.csrf, canWrite: portalChannel(ctx) !== null };
  };
  const loginMail = (reader: Reader) => (link: string) => ({ subject: reader.t('help.portal.mailSubject'), text: reader.t('help.portal.mailText', { link }) });
  const notFound = (reply: FastifyReply, reader: Reader) =>
    send(reply, messageView(reader, reader.t('help.portal.notFoundTitle'), reader.t('help.portal.notFoundText'), 'not-found'), 404);

  app.get('/help/tickets', async (request, reply) => {
    const reader = readerOf(request, reply);
    const session = await sessionOf(request);
    if (!session) return send(reply, signInView(reader, { canWrite: portalChannel(ctx) !== null }));
    return send(reply, ticketsView(reader, await signedOf(session), await contactTickets(ctx.db, session.contactId)));
  });

  app.post('/help/tickets/login', async (request, reply) => {
    const reader = readerOf(request, reply);
    const { fields } = await readPortalForm(request);
    const email = normalizeEmail(fields.email ?? '');
    if (!looksLikeEmail(email)) return send(reply, signInView(reader, { email, notice: { kind: 'error', text: reader.t('help.portal.invalidEmail') } }), 400);
    if (!(await limit.loginIp.take(request.ip))) return send(reply, signInView(reader, { email, notice: { kind: 'error', text: reader.t('help.portal.tooMany') } }), 429);
    // Over the per-address limit the answer stays the same; only the mail is not sent again.
    if (await limit.loginEmail.take(email)) await requestLoginLink(ctx, email, loginMail(reader));
    return send(reply, linkSentView(reader, email));
  });

  // Opening the link only asks; scanners and previewers that fetch it change nothing.
  app.get<{ Params: { token: string }; Querystring: { via?: string } }>('/help/tickets/login/:token', async (request, reply) => {
    const reader = readerOf(request, reply);
    const token = request.params.token;
    const link = await checkLoginLink(ctx.db, token);
    if (!link.ok) return send(reply, linkProblemView(reader, link.reason), 410);
    const fromChat = request.query.via === 'chat';
    const path = `${LOGIN_PATH}/${encodeURIComponent(token)}${fromChat ? '?via=chat' : ''}`;
    return send(reply, confirmSignInView(reader, { email: link.email, token, path, action: LOGIN_CONFIRM_PATH, explainScanners: !fromChat }));
  });

  app.post(LOGIN_CONFIRM_PATH, async (request, reply) => {
    const reader = readerOf(request, reply);
    const { fields } = await readPortalForm(request);
    // Another site could post a link of its own owner's and sign the customer in as someone else.
    if (!postedFromOurSite(request, ctx.config.server.public_url)) {
      return send(reply, messageView(reader, reader.t('help.portal.crossSiteTitle'), reader.t('help.portal.crossSiteText'), 'cross-site'), 403);
    }
    const result = await redeemLoginLink(ctx, fields.token ?? '');
    if (!result.ok) return send(reply, linkProblemView(reader, result.reason), 410);
    reply.setCookie(PORTAL_COOKIE, result.sessionToken, { path: '/help/tickets', httpOnly: true, sameSite: 'lax', secure, maxAge: PORTAL_SESSION_TTL_MS / 1000 });
    return reply.header('cache-control', 'no-store').redirect('/help/tickets', 303);
  });

  app.post('/help/tickets/logout', async (request, reply) => {
    const session = await sessionOf(request);
    const { fields } = await readPortalForm(request);
    if (session && csrfMatches(session, fields.csrf)) {
      await endPortalSession(ctx, session);
      reply.clearCookie(PORTAL_COOKIE, { path: '/help/tickets' });
    }
    return reply.redirect('/help/tickets', 303);
  });

  app.get('/help/tickets/new', async (request, reply) => {
    const reader = readerOf(request, reply);
    const session = await sessionOf(request);
    if (!portalChannel(ctx)) return send(reply, messageView(reader, reader.t('help.portal.newTitle'), reader.t('help.portal.unavailable'), 'unavailable'), 503);
    return send(reply, newTicketView(reader, { signed: session ? await signedOf(session) : null, nonce: randomToken(16), maxMb, notice: null }));
  });

  app.post('/help/tickets/new', async (request, reply) => {
    const reader = readerOf(request, reply);
    const { t } = reader;
    const session = await sessionOf(request);
    const form = await readPortalForm(request);
    const f = form.fields;
    const signed = session ? await signedOf(session) : null;
    const values = { name: f.name ?? '', email: f.email ?? '', subject: f.subject ?? '', text: f.text ?? '' };
    const again = (notice: Notice, status: number) => send(reply, newTicketView(reader, { signed, nonce: randomToken(16), maxMb, notice, values }), status);
    // A bot fills every field it finds; a person never sees this one. It is told "thanks" and nothing is stored.
    if ((f.website ?? '') !== '') return send(reply, messageView(reader, t('help.portal.newTitle'), t('help.portal.received'), 'received'));
    if (session && !csrfMatches(session, f.csrf)) return again({ kind: 'error', text: t('help.portal.formExpired') }, 403);
    if (form.tooLarge) return again({ kind: 'error', text: t('help.portal.fileTooLarge', { size: maxMb }) }, 413);
    if (form.tooMany) return again({ kind: 'error', text: t('help.portal.tooManyFiles', { count: MAX_FILES }) }, 413);
    const subject = values.subject.trim().slice(0, 250);
    const text = values.text.trim().slice(0, 20_000);
    if (subject === '' || text === '') return again({ kind: 'error', text: t('help.portal.emptyMessage') }, 400);
    const email = normalizeEmail(values.email);
    if (!session && (values.name.trim() === '' || !looksLikeEmail(email))) return again({ kind: 'error', text: t('help.portal.invalidEmail') }, 400);
    if (!(await limit.newIp.take(request.ip)) || (!session && !(await limit.newEmail.take(email)))) return again({ kind: 'error', text: t('help.portal.tooMany') }, 429);
    const post = { subject, text, attachments: form.files, nonce: (f.nonce ?? '').slice(0, 64) || randomToken(16) };
    if (session) {
      const result = await postAsContact(ctx, session.contactId, null, post);
      if (!result) return send(reply, messageView(reader, t('help.portal.newTitle'), t('help.portal.unavailable'), 'unavailable'), 503);
      return reply.redirect(`/help/tickets/${result.ticketNumber}`, 303);
    }
    const result = await postAsVisitor(ctx, { name: values.name.trim().slice(0, 120), email }, post);
    if (!result) return send(reply, messageView(reader, t('help.portal.newTitle'), t('help.portal.unavailable'), 'unavailable'), 503);
    if (result.created) await requestLoginLink(ctx, email, loginMail(reader), result.contactId);
    const done = `${t('help.portal.ticketCreated', { number: result.ticketNumber })} ${t('help.portal.ticketCreatedMail', { email })}`;
    return send(reply, messageView(reader, t('help.portal.newTitle'), done, 'created'));
  });

  app.get<{ Params: { number: string }; Querystring: { sent?: string } }>('/help/tickets/:number', async (request, reply) => {
    const reader = readerOf(request, reply);
    const session = await sessionOf(request);
    if (!session) return reply.redirect('/help/tickets', 303);
    const number = Number(request.params.number);
    const ticket = Number.isSafeInteger(number) && number > 0 ? await contactTicket(ctx.db, session.contactId, number) : null;
    if (!ticket) return notFound(reply, reader);
    const notice: Notice = request.query.sent === '1' ? { kind: 'ok', text: reader.t('help.portal.replySent') } : null;
    return send(reply, ticketView(reader, {
      signed: await signedOf(session),
      ticket,
      messages: await publicMessages(ctx.db, ticket.id),
      fileHref: (file) => portalFilePath(ctx.secret, session.contactId, file),
      nonce: randomToken(16),
      maxMb,
      notice,
    }));
  });

  app.post<{ Params: { number: string } }>('/help/tickets/:number/reply', async (request, reply) => {
    const reader = readerOf(request, reply);
    const { t } = reader;
    const session = await sessionOf(request);
    const form = await readPortalForm(request);
    if (!session) return reply.redirect('/help/tickets', 303);
    const number = Number(request.params.number);
    const ticket = Number.isSafeInteger(number) && number > 0 ? await contactTicket(ctx.db, session.contactId, number) : null;
    if (!ticket) return notFound(reply, reader);
    const text = (form.fields.text ?? '').trim().slice(0, 20_000);
    const again = async (key: 'help.portal.formExpired' | 'help.portal.emptyMessage' | 'help.portal.tooMany' | 'help.portal.fileTooLarge' | 'help.portal.tooManyFiles', status: number) =>
      send(reply, ticketView(reader, {
        signed: await signedOf(session),
        ticket,
        messages: await publicMessages(ctx.db, ticket.id),
        fileHref: (file) => portalFilePath(ctx.secret, session.contactId, file),
        nonce: randomToken(16),
        maxMb,
        notice: { kind: 'error', text: t(key, { size: maxMb, count: MAX_FILES }) },
        draft: text,
      }), status);
    if (!csrfMatches(session, form.fields.csrf)) return again('help.portal.formExpired', 403);
    if (form.tooLarge) return again('help.portal.fileTooLarge', 413);
    if (form.tooMany) return again('help.portal.tooManyFiles', 413);
    if (text === '') return again('help.portal.emptyMessage', 400);
    if (!(await limit.replies.take(String(session.contactId)))) return again('help.portal.tooMany', 429);
    const nonce = (form.fields.nonce ?? '').slice(0, 64) || randomToken(16);
    const result = await postAsContact(ctx, session.contactId, ticket.id, { text, attachments: form.files, nonce });
    if (!result) return send(reply, messageView(reader, ticket.subject, t('help.portal.unavailable'), 'unavailable'), 503);
    return reply.redirect(`/help/tickets/${result.ticketNumber}?sent=1#reply`, 303);
  });

  app.get<{ Params: { id: string; sig: string; name: string } }>('/help/tickets/files/:id/:sig/:name', async (request, reply) => {
    const reader = readerOf(request, reply);
    const session = await sessionOf(request);
    const id = Number(request.params.id);
    const row = session && Number.isSafeInteger(id) && id > 0 ? await findAttachment(ctx.db, id) : undefined;
    const file = row ? attachmentPath(ctx.paths.attachments, row.sha256) : '';
    if (!session || !row || row.name !== request.params.name || !(await contactMayDownload(ctx, session.contactId, id, request.params.sig)) || !existsSync(file)) {
      return notFound(reply, reader);
    }
    const ascii = row.name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(row.size))
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(row.name)}`)
      .header('cache-control', 'private, no-store')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(createReadStream(file));
  });
};
