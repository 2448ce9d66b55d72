import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { createCategory, deleteCategory, listCategories, updateCategory } from './categories.js';
import { markdownToHtml } from './markdown.js';
import { listRevisions, restoreRevision } from './revisions.js';
import {
  ArticleInputSchema,
  ArticlePatchSchema,
  ArticleSchema,
  ArticleSummarySchema,
  CategoryInputSchema,
  CategorySchema,
  LocaleSchema,
  RevisionSchema,
  SearchHitSchema,
  StatusSchema,
} from './schemas.js';
import { listArticles, searchArticles } from './search.js';
import { suggestForTicket } from './suggestions.js';
import { CannedReplySchema } from '../canned-replies/service.js';
import { createArticle, deleteArticle, getArticle, updateArticle } from './service.js';

const tags = ['knowledge-base'];
const OneArticle = Type.Object({ article: ArticleSchema });
const OneCategory = Type.Object({ category: CategorySchema });
const SuggestionsSchema = Type.Object({
  basedOn: Type.Union([Type.String(), Type.Null()], { description: 'The customer message the suggestions answer' }),
  articles: Type.Array(SearchHitSchema),
  cannedReplies: Type.Array(Type.Composite([CannedReplySchema, Type.Object({ score: Type.Number() })])),
});

/**
 * /api/v1/kb. Every agent reads; admins and supervisors write, as with canned replies: both are
 * content customers see under the company's name.
 */
export const kbRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const writers = requireRole('admin', 'supervisor');

  app.get('/kb/categories', { schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(CategorySchema) }) }, 401) } }, async () => ({
    items: await listCategories(ctx.db),
  }));
  app.post(
    '/kb/categories',
    { onRequest: writers, schema: { tags, body: CategoryInputSchema, response: withErrors({ 201: OneCategory }, 400, 401, 403, 409) } },
    async (request, reply) => reply.code(201).send({ category: await createCategory(ctx, agentOf(request), request.body) }),
  );
  app.patch(
    '/kb/categories/:id',
    { onRequest: writers, schema: { tags, params: IdParams, body: Type.Partial(CategoryInputSchema, { additionalProperties: false }), response: withErrors({ 200: OneCategory }, 400, 401, 403, 404, 409) } },
    async (request) => ({ category: await updateCategory(ctx, agentOf(request), request.params.id, request.body) }),
  );
  app.delete(
    '/kb/categories/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404, 409) } },
    async (request, reply) => {
      await deleteCategory(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/kb/articles',
    {
      schema: {
        tags,
        querystring: Type.Object({
          locale: Type.Optional(LocaleSchema),
          status: Type.Optional(StatusSchema),
          categoryId: Type.Optional(Type.Integer({ minimum: 1 })),
          q: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(ArticleSummarySchema) }) }, 400, 401),
      },
    },
    async (request) => ({ items: await listArticles(ctx, request.query) }),
  );
  app.get(
    '/kb/search',
    {
      schema: {
        tags,
        description: 'Published articles matching a query (Chinese-aware), best first: title and alternative questions outrank the body.',
        querystring: Type.Object({
          q: Type.String({ minLength: 1, maxLength: 200 }),
          locale: Type.Optional(LocaleSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
        }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(SearchHitSchema) }) }, 400, 401),
      },
    },
    async (request) => ({ items: await searchArticles(ctx, request.query.q, request.query.locale ?? null, request.query.limit ?? 10) }),
  );
  app.post(
    '/kb/articles',
    { onRequest: writers, schema: { tags, body: ArticleInputSchema, response: withErrors({ 201: OneArticle }, 400, 401, 403, 409) } },
    async (request, reply) => reply.code(201).send({ article: await createArticle(ctx, agentOf(request), request.body) }),
  );
  app.get('/kb/articles/:id', { schema: { tags, params: IdParams, response: withErrors({ 200: OneArticle }, 401, 404) } }, async (request) => ({
    article: await getArticle(ctx.db, request.params.id),
  }));
  app.patch(
    '/kb/articles/:id',
    { onRequest: writers, schema: { tags, params: IdParams, body: ArticlePatchSchema, response: withErrors({ 200: OneArticle }, 400, 401, 403, 404, 409) } },
    async (request) => ({ article: await updateArticle(ctx, agentOf(request), request.params.id, request.body) }),
  );
  app.delete(
    '/kb/articles/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await deleteArticle(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
  app.get(
    '/kb/suggestions',
    {
      schema: {
        tags,
        description: "Published articles and canned replies ranked against the customer's last message on a ticket, for the composer.",
        querystring: Type.Object({ ticketId: Type.Integer({ minimum: 1 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })) }),
        response: withErrors({ 200: SuggestionsSchema }, 400, 401, 404),
      },
    },
    async (request) => suggestForTicket(ctx, agentOf(request), request.query.ticketId, request.query.limit ?? 5),
  );
  app.post(
    '/kb/preview',
    {
      schema: {
        tags,
        description: 'Markdown rendered and sanitised exactly as the help center will show it.',
        body: Type.Object({ body: Type.String({ maxLength: 200_000 }) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ html: Type.String() }) }, 400, 401),
      },
    },
    async (request) => ({ html: markdownToHtml(request.body.body) }),
  );
  app.get(
    '/kb/articles/:id/revisions',
    { schema: { tags, params: IdParams, response: withErrors({ 200: Type.Object({ items: Type.Array(RevisionSchema) }) }, 401, 404) } },
    async (request) => ({ items: await listRevisions(ctx.db, request.params.id) }),
  );
  app.post(
    '/kb/articles/:id/revisions/:revisionId/restore',
    {
      onRequest: writers,
      schema: {
        tags,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), revisionId: Type.Integer({ minimum: 1 }) }),
        response: withErrors({ 200: OneArticle }, 401, 403, 404),
      },
    },
    async (request) => ({ article: await restoreRevision(ctx, agentOf(request), request.params.id, request.params.revisionId) }),
  );
};
