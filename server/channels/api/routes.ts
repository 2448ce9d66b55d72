import { Type, type Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { AppError, NotFound } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { keepRawBody, parseJsonObject, rawBodyOf } from '../kit/raw-body.js';
import { receiveApiMessage } from './inbound.js';
import { ApiInboundResultSchema, ApiInboundSchema, ApiStatusSchema } from './schemas.js';
import { reportDelivery } from './status.js';
import { verifyKefuSignature } from './signature.js';
import type { ApiChannelConfig } from './config-schema.js';

const Params = Type.Object({ name: Type.String({ maxLength: 64 }) });

/**
 * The API channel's inbound door, under /api/v1. The body is kept raw (the signature covers its
 * exact bytes) and checked against the schema only after the signature: the schema is declared
 * for the API docs, not for Fastify to validate a body it never parsed.
 */
export const apiChannelRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  keepRawBody(app);
  const log = ctx.logger.child({ subsystem: 'channel-api' });

  /** The named channel and the body, parsed only once its signature holds (404, 401 otherwise). */
  function signedRequest(request: FastifyRequest<{ Params: Static<typeof Params> }>): { channel: ApiChannelConfig; body: Record<string, unknown> } {
    const channel = ctx.config.channels.api.find((c) => c.name === request.params.name);
    if (!channel) throw new NotFound('API channel');
    const raw = rawBodyOf(request.body);
    verifyKefuSignature(channel.secret, request.headers, raw);
    return { channel, body: parseJsonObject(raw) };
  }

  app.post(
    '/channels/api/:name/messages',
    {
      schema: {
        tags: ['channels'],
        summary: 'A customer message from your own app, signed with the channel secret',
        description:
          'Headers: `X-Kefu-Timestamp` (unix seconds) and `X-Kefu-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. Older than 5 minutes is refused. A repeated `messageId` is stored once and answered with `created: false`.',
        params: Params,
        body: ApiInboundSchema,
        response: withErrors({ 200: ApiInboundResultSchema }, 400, 401, 404, 413),
      },
      // The body is checked by the handler after the signature; the channel name is looked up as given.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const { channel, body } = signedRequest(request);
      try {
        const result = await receiveApiMessage(ctx, channel, body);
        return { ticketId: result.ticketId, messageId: result.messageId, created: result.created };
      } catch (err) {
        if (err instanceof AppError && err.status === 400) log.warn({ channel: channel.name, reason: err.message }, 'malformed API channel message');
        throw err;
      }
    },
  );

  app.post(
    '/channels/api/:name/status',
    {
      schema: {
        tags: ['channels'],
        summary: "Your app reports what became of an agent's reply: delivered, or failed with a reason",
        description: 'Signed like messages (`X-Kefu-Timestamp`, `X-Kefu-Signature`). The agent sees the reply as delivered, or failed with `error`.',
        params: Params,
        body: ApiStatusSchema,
        response: withErrors({ 200: Type.Object({ ok: Type.Boolean() }) }, 400, 401, 404),
      },
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const { channel, body } = signedRequest(request);
      await reportDelivery(ctx, channel, body);
      return { ok: true };
    },
  );
};
