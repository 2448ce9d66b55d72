import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { DryRunSchema, RuleCreateSchema, RulePatchSchema, RuleSchema } from './schemas.js';
import { createRule, deleteRule, dryRun, duplicateRule, getRule, listRules, reorderRules, updateRule } from './service.js';

const One = Type.Object({ rule: RuleSchema });
const Many = Type.Object({ items: Type.Array(RuleSchema) });

export const rulesRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  app.addHook('onRequest', requireRole('admin', 'supervisor'));
  const tags = ['rules'];

  app.get('/rules', { schema: { tags, response: withErrors({ 200: Many }, 401, 403) } }, async () => ({ items: await listRules(ctx) }));

  app.post(
    '/rules',
    { schema: { tags, body: RuleCreateSchema, response: withErrors({ 201: One }, 400, 401, 403) } },
    async (request, reply) => reply.code(201).send({ rule: await createRule(ctx, agentOf(request), request.body) }),
  );

  app.post(
    '/rules/reorder',
    {
      schema: {
        tags,
        body: Type.Object({ ids: Type.Array(Type.Integer(), { maxItems: 1000, description: 'every rule, in the order they run' }) }, { additionalProperties: false }),
        response: withErrors({ 200: Many }, 400, 401, 403),
      },
    },
    async (request) => ({ items: await reorderRules(ctx, agentOf(request), request.body.ids) }),
  );

  app.get('/rules/:id', { schema: { tags, params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } }, async (request) => ({
    rule: await getRule(ctx, request.params.id),
  }));

  app.patch(
    '/rules/:id',
    { schema: { tags, params: IdParams, body: RulePatchSchema, response: withErrors({ 200: One }, 400, 401, 403, 404, 409) } },
    async (request) => ({ rule: await updateRule(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete('/rules/:id', { schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } }, async (request, reply) => {
    await deleteRule(ctx, agentOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.post(
    '/rules/:id/duplicate',
    { schema: { tags, params: IdParams, response: withErrors({ 201: One }, 401, 403, 404) } },
    async (request, reply) => reply.code(201).send({ rule: await duplicateRule(ctx, agentOf(request), request.params.id) }),
  );

  app.post(
    '/rules/:id/dry-run',
    {
      schema: {
        tags,
        params: IdParams,
        body: Type.Object(
          { ticketId: Type.Optional(Type.Integer()), ticketNumber: Type.Optional(Type.Integer({ description: 'the human number (#1042), instead of ticketId' })) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: DryRunSchema }, 400, 401, 403, 404),
      },
    },
    async (request) => dryRun(ctx, request.params.id, request.body),
  );
};
