import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { createLabel, deleteLabel, LabelSchema, listLabels, updateLabel } from './service.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$' });
const One = Type.Object({ label: LabelSchema });

export const labelsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['labels'];
  const writers = requireRole('admin', 'supervisor');

  app.get('/labels', { schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(LabelSchema) }) }, 401) } }, async () => ({
    items: await listLabels(ctx.db),
  }));

  app.post(
    '/labels',
    {
      onRequest: writers,
      schema: {
        tags,
        body: Type.Object({ name: Name, color: Type.Optional(Color) }, { additionalProperties: false }),
        response: withErrors({ 201: One }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => reply.code(201).send({ label: await createLabel(ctx, agentOf(request), request.body) }),
  );

  app.patch(
    '/labels/:id',
    {
      onRequest: writers,
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ name: Type.Optional(Name), color: Type.Optional(Color) }, { additionalProperties: false }),
        response: withErrors({ 200: One }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => ({ label: await updateLabel(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete(
    '/labels/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await deleteLabel(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
