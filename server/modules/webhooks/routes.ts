import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { DeliverySchema, WebhookCreateSchema, WebhookPatchSchema, WebhookPayloadSchema, WebhookSchema } from './schemas.js';
import { loadWebhookSettings, updateWebhookSettings, WebhookSettingsPatchSchema, WebhookSettingsSchema } from './settings.js';
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, redeliver, revealSecret, rotateSecret, sendTest, updateWebhook } from './service.js';

const One = Type.Object({ webhook: WebhookSchema });
const Many = Type.Object({ items: Type.Array(WebhookSchema) });
const Delivery = Type.Composite([DeliverySchema, Type.Object({ payload: WebhookPayloadSchema })]);
const OneDelivery = Type.Object({ delivery: Delivery });
const DeliveryParams = Type.Object({ id: Type.Integer({ minimum: 1 }), deliveryId: Type.String({ format: 'uuid' }) });

const SIGNING =
  'Each delivery is a POST of the JSON payload (schema: the `payload` of a delivery below, version 1) with headers X-Kefu-Event, X-Kefu-Delivery, ' +
  'X-Kefu-Timestamp (unix seconds) and X-Kefu-Signature: `sha256=` + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"). ' +
  'A 2xx answer within 10 s is delivered; anything else is retried with exponential backoff for over 24 hours. ' +
  'A webhook failing for 3 days is turned off and the admins are emailed.';

/** Outbound webhooks: admins only, since a webhook sends ticket and contact data outside. */
export const webhooksRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  app.addHook('onRequest', requireRole('admin'));
  const tags = ['webhooks'];

  app.get('/webhooks', { schema: { tags, description: SIGNING, response: withErrors({ 200: Many }, 401, 403) } }, async () => ({ items: await listWebhooks(ctx) }));

  app.get('/webhooks/settings', { schema: { tags, response: withErrors({ 200: WebhookSettingsSchema }, 401, 403) } }, async () => loadWebhookSettings(ctx.db));

  app.patch(
    '/webhooks/settings',
    {
      schema: {
        tags,
        description: 'How long the delivery log keeps finished deliveries (default 30 days); older ones are trimmed hourly, never one still being tried.',
        body: WebhookSettingsPatchSchema,
        response: withErrors({ 200: WebhookSettingsSchema }, 400, 401, 403),
      },
    },
    async (request) => updateWebhookSettings(ctx, { kind: 'agent', id: agentOf(request).id }, request.body),
  );

  app.post(
    '/webhooks',
    { schema: { tags, description: `Creates a webhook; the answer carries its signing secret. ${SIGNING}`, body: WebhookCreateSchema, response: withErrors({ 201: One }, 400, 401, 403) } },
    async (request, reply) => reply.code(201).send({ webhook: await createWebhook(ctx, agentOf(request), request.body) }),
  );

  app.get('/webhooks/:id', { schema: { tags, params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } }, async (request) => ({
    webhook: await getWebhook(ctx, request.params.id),
  }));

  app.patch(
    '/webhooks/:id',
    { schema: { tags, description: 'Turning a webhook on clears the failure streak that turned it off.', params: IdParams, body: WebhookPatchSchema, response: withErrors({ 200: One }, 400, 401, 403, 404) } },
    async (request) => ({ webhook: await updateWebhook(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete('/webhooks/:id', { schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } }, async (request, reply) => {
    await deleteWebhook(ctx, agentOf(request), request.params.id);
    return reply.code(204).send(null);
  });

  app.get('/webhooks/:id/secret', { schema: { tags, description: 'Shows the signing secret (audited).', params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } }, async (request) => ({
    webhook: await revealSecret(ctx, agentOf(request), request.params.id),
  }));

  app.post(
    '/webhooks/:id/secret/rotate',
    { schema: { tags, description: 'Replaces the signing secret; retries of older deliveries are signed with the new one.', params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } },
    async (request) => ({ webhook: await rotateSecret(ctx, agentOf(request), request.params.id) }),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        description: 'The delivery log, newest first, each with every attempt.',
        params: IdParams,
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 100, default: 30 }), before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextCursor of the previous page' })) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Type.Object({ items: Type.Array(Delivery), nextCursor: Type.Union([Type.String(), Type.Null()]) }) }, 400, 401, 403, 404),
      },
    },
    async (request) => listDeliveries(ctx, request.params.id, { limit: request.query.limit, before: request.query.before ?? null }),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: { tags, description: 'Sends a finished delivery again: same body, same id.', params: DeliveryParams, response: withErrors({ 202: OneDelivery }, 401, 403, 404, 409) } },
    async (request, reply) => reply.code(202).send({ delivery: await redeliver(ctx, agentOf(request), request.params.id, request.params.deliveryId) }),
  );

  app.post(
    '/webhooks/:id/test',
    { schema: { tags, description: 'Queues a `ping` delivery (also to a disabled webhook).', params: IdParams, response: withErrors({ 202: OneDelivery }, 401, 403, 404) } },
    async (request, reply) => reply.code(202).send({ delivery: await sendTest(ctx, request.params.id) }),
  );
};
