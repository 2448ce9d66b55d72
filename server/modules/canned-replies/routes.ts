import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import {
  CannedReplySchema,
  createCannedReply,
  deleteCannedReply,
  listCannedReplies,
  renderCannedReply,
  updateCannedReply,
} from './service.js';

const Shortcut = Type.String({ minLength: 1, maxLength: 51 });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Body = Type.String({ minLength: 1, maxLength: 20_000 });
const One = Type.Object({ cannedReply: CannedReplySchema });

export const cannedRepliesRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['canned-replies'];
  const writers = requireRole('admin', 'supervisor');

  app.get(
    '/canned-replies',
    {
      schema: {
        tags,
        querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(CannedReplySchema) }) }, 401),
      },
    },
    async (request) => ({ items: await listCannedReplies(ctx.db, request.query.q) }),
  );

  app.post(
    '/canned-replies',
    {
      onRequest: writers,
      schema: {
        tags,
        body: Type.Object({ shortcut: Shortcut, title: Title, body: Body }, { additionalProperties: false }),
        response: withErrors({ 201: One }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => reply.code(201).send({ cannedReply: await createCannedReply(ctx, agentOf(request), request.body) }),
  );

  app.patch(
    '/canned-replies/:id',
    {
      onRequest: writers,
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          { shortcut: Type.Optional(Shortcut), title: Type.Optional(Title), body: Type.Optional(Body) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: One }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => ({ cannedReply: await updateCannedReply(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete(
    '/canned-replies/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await deleteCannedReply(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/canned-replies/:id/render',
    {
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ ticketId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ text: Type.String() }) }, 400, 401, 404),
      },
    },
    async (request) => ({ text: await renderCannedReply(ctx, agentOf(request), request.params.id, request.body.ticketId) }),
  );
};
