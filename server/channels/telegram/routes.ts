import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { AppError, NotFound, Unauthorized } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { signaturesEqual } from '../kit/hmac.js';
import { receiveUpdate } from './inbound.js';

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Telegram's webhook: `POST /webhooks/telegram/<name>`, proven by the secret_token given to
 * setWebhook. Answered 200 only once the update is committed; Telegram retries anything else,
 * and a retried update is stored once.
 */
export const telegramWebhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const log = ctx.logger.child({ subsystem: 'channel-telegram' });
  app.post(
    '/webhooks/telegram/:name',
    {
      schema: {
        tags: ['channels'],
        summary: 'Telegram Bot API webhook (an Update); needs the X-Telegram-Bot-Api-Secret-Token header',
        params: Type.Object({ name: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ update_id: Type.Integer() }, { additionalProperties: true }),
        response: withErrors({ 200: Type.Object({ ok: Type.Boolean() }) }, 400, 401, 404),
      },
      // The update is checked by the handler once the secret is; a 401 must not depend on the body.
      validatorCompiler: () => () => true,
    },
    async (request) => {
      const channel = ctx.config.channels.telegram.find((c) => c.name === request.params.name);
      if (!channel) throw new NotFound('Telegram channel');
      const given = request.headers[SECRET_HEADER];
      if (typeof given !== 'string' || !signaturesEqual(channel.webhook_secret, given)) {
        throw new Unauthorized('Wrong or missing X-Telegram-Bot-Api-Secret-Token.', 'invalid_signature');
      }
      try {
        await receiveUpdate(ctx, channel, request.body);
        return { ok: true };
      } catch (err) {
        if (err instanceof AppError && err.status === 400) log.warn({ channel: channel.name, reason: err.message }, 'malformed Telegram update');
        throw err;
      }
    },
  );
};
