import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { AdminApiTokenSchema, presentAdminApiToken } from './presenter.js';
import { findAgentById } from './queries.js';
import { NotFound } from '../../http/errors.js';
import { listAllApiTokens, revokeAnyApiToken } from './tokens.js';

const TokenList = Type.Object({ items: Type.Array(AdminApiTokenSchema) });

/** Admins see and revoke every agent's API tokens: a leaked or forgotten token must not need its owner. */
export const adminTokenRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/tokens',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['tokens'],
        description: "Every agent's API tokens (admins only), newest first; agentId narrows to one agent.",
        querystring: Type.Object({ agentId: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
        response: withErrors({ 200: TokenList }, 400, 401, 403),
      },
    },
    async (request) => ({ items: (await listAllApiTokens(ctx, request.query.agentId)).map(presentAdminApiToken) }),
  );

  app.get(
    '/agents/:id/tokens',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['tokens'], params: IdParams, response: withErrors({ 200: TokenList }, 401, 403, 404) },
    },
    async (request) => {
      if (!(await findAgentById(ctx.db, request.params.id))) throw new NotFound('agent');
      return { items: (await listAllApiTokens(ctx, request.params.id)).map(presentAdminApiToken) };
    },
  );

  app.delete(
    '/tokens/:id',
    {
      onRequest: requireRole('admin'),
      schema: { tags: ['tokens'], params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) },
    },
    async (request, reply) => {
      await revokeAnyApiToken(ctx, request.params.id);
      request.log.info({ tokenId: request.params.id }, 'api token revoked by an admin');
      return reply.code(204).send(null);
    },
  );
};
