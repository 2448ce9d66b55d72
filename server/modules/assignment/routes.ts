import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { AgentLoadSchema, AgentSkillsSchema, agentLoads, setAgentSkills } from './agents-service.js';
import { queueLengths } from './queries.js';
import { AssignmentPatchSchema, AssignmentSettingsSchema, loadSettings } from './settings.js';
import { drainAfterChange, updateAssignmentSettings } from './settings-service.js';

const QueueSchema = Type.Object({ teamId: Type.Union([Type.Integer(), Type.Null()]), length: Type.Integer() });

/** Assignment beside the teams API: the default for tickets without a team, agents' skills and load, queues. */
export const assignmentRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['assignment'];
  const writers = requireRole('admin', 'supervisor');
  const Settings = Type.Object({ assignment: AssignmentSettingsSchema });

  app.get('/assignment/default', { schema: { tags, response: withErrors({ 200: Settings }, 401) } }, async () => ({
    assignment: await loadSettings(ctx.db, null),
  }));

  app.patch(
    '/assignment/default',
    {
      onRequest: writers,
      schema: { tags, body: Type.Object({ assignment: AssignmentPatchSchema }, { additionalProperties: false }), response: withErrors({ 200: Settings }, 400, 401, 403) },
    },
    async (request) => {
      await ctx.database.transaction((tx) => updateAssignmentSettings(tx, null, request.body.assignment));
      await drainAfterChange(ctx, null);
      return { assignment: await loadSettings(ctx.db, null) };
    },
  );

  app.get('/assignment/queues', { schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(QueueSchema) }) }, 401) } }, async () => {
    const lengths = await queueLengths(ctx.db);
    return { items: [...lengths].map(([key, length]) => ({ teamId: key === 0 ? null : key, length })) };
  });

  app.get(
    '/assignment/agents',
    { onRequest: writers, schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(AgentLoadSchema) }) }, 401, 403) } },
    async () => ({ items: await agentLoads(ctx) }),
  );

  app.patch(
    '/assignment/agents/:id',
    { onRequest: writers, schema: { tags, params: IdParams, body: AgentSkillsSchema, response: withErrors({ 204: Type.Null() }, 400, 401, 403, 404) } },
    async (request, reply) => {
      await setAgentSkills(ctx.db, request.params.id, request.body);
      return reply.code(204).send(null);
    },
  );
};
