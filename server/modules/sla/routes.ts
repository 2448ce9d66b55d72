import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { PolicyInputFields, SlaPolicySchema } from './policy-types.js';
import { createReminder, deleteReminder, listReminders, ReminderSchema } from './reminders.js';
import { createSlaPolicy, deleteSlaPolicy, getSlaPolicy, listSlaPolicies, reorderSlaPolicies, updateSlaPolicy } from './service.js';

const One = Type.Object({ slaPolicy: SlaPolicySchema });
const Many = Type.Object({ items: Type.Array(SlaPolicySchema) });
const { name, ...optional } = PolicyInputFields;
const CreateBody = Type.Object({ name, ...Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, Type.Optional(v)])) }, { additionalProperties: false });

/** SLA policies: admins and supervisors read, admins write; the order decides which policy a ticket gets. */
export const slaRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['sla'];
  const readers = requireRole('admin', 'supervisor');
  const writers = requireRole('admin');

  app.get('/sla-policies', { onRequest: readers, schema: { tags, response: withErrors({ 200: Many }, 401, 403) } }, async () => ({
    items: await listSlaPolicies(ctx.db),
  }));

  app.get(
    '/sla-policies/:id',
    { onRequest: readers, schema: { tags, params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } },
    async (request) => ({ slaPolicy: await getSlaPolicy(ctx.db, request.params.id) }),
  );

  app.post(
    '/sla-policies',
    { onRequest: writers, schema: { tags, body: CreateBody, response: withErrors({ 201: One }, 400, 401, 403, 409) } },
    async (request, reply) => {
      const slaPolicy = await createSlaPolicy(ctx, agentOf(request), request.body as Parameters<typeof createSlaPolicy>[2]);
      return reply.code(201).send({ slaPolicy });
    },
  );

  app.patch(
    '/sla-policies/:id',
    {
      onRequest: writers,
      schema: { tags, params: IdParams, body: Type.Partial(Type.Object(PolicyInputFields, { additionalProperties: false })), response: withErrors({ 200: One }, 400, 401, 403, 404, 409) },
    },
    async (request) => ({ slaPolicy: await updateSlaPolicy(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.put(
    '/sla-policies/order',
    {
      onRequest: writers,
      schema: {
        tags,
        description: 'Sets the order policies are tried in: every policy id once, first match wins.',
        body: Type.Object({ ids: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 }) }, { additionalProperties: false }),
        response: withErrors({ 200: Many }, 400, 401, 403),
      },
    },
    async (request) => ({ items: await reorderSlaPolicies(ctx, agentOf(request), request.body.ids) }),
  );

  // "Remind me": any agent, on a ticket they may see; delivered by the SLA sweep as an in-app notification.
  const remindTags = ['reminders'];
  app.post(
    '/tickets/:id/reminders',
    {
      schema: {
        tags: remindTags,
        params: IdParams,
        body: Type.Object({ at: Type.String({ format: 'date-time' }), note: Type.Optional(Type.String({ maxLength: 500 })), email: Type.Optional(Type.Boolean({ description: 'also send the reminder by email' })) }, { additionalProperties: false }),
        response: withErrors({ 201: Type.Object({ reminder: ReminderSchema }) }, 400, 401, 404),
      },
    },
    async (request, reply) => {
      const reminder = await createReminder(ctx, agentOf(request), request.params.id, Date.parse(request.body.at), request.body.note ?? '', request.body.email ?? false);
      return reply.code(201).send({ reminder });
    },
  );
  app.get(
    '/tickets/:id/reminders',
    { schema: { tags: remindTags, params: IdParams, response: withErrors({ 200: Type.Object({ items: Type.Array(ReminderSchema) }) }, 401, 404) } },
    async (request) => ({ items: await listReminders(ctx, agentOf(request), request.params.id) }),
  );
  app.delete(
    '/reminders/:id',
    { schema: { tags: remindTags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 404) } },
    async (request, reply) => {
      await deleteReminder(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/sla-policies/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await deleteSlaPolicy(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
