import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { AssignmentPatchSchema } from '../assignment/settings.js';
import { createTeam, deleteTeam, listTeams, TeamSchema, updateTeam } from './service.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });
const MemberIds = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 1000 });
const One = Type.Object({ team: TeamSchema });

export const teamsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['teams'];
  const writers = requireRole('admin', 'supervisor');

  app.get('/teams', { schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(TeamSchema) }) }, 401) } }, async () => ({
    items: await listTeams(ctx.db),
  }));

  app.post(
    '/teams',
    {
      onRequest: writers,
      schema: {
        tags,
        body: Type.Object({ name: Name, memberIds: Type.Optional(MemberIds) }, { additionalProperties: false }),
        response: withErrors({ 201: One }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => reply.code(201).send({ team: await createTeam(ctx, agentOf(request), request.body) }),
  );

  app.patch(
    '/teams/:id',
    {
      onRequest: writers,
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          { name: Type.Optional(Name), memberIds: Type.Optional(MemberIds), assignment: Type.Optional(AssignmentPatchSchema) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: One }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => ({ team: await updateTeam(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete(
    '/teams/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await deleteTeam(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
