import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { TooManyRequests } from '../../http/errors.js';
import { sharedLimiter } from '../../http/attempt-limiter.js';
import { withErrors } from '../../http/schemas.js';
import { requestPasswordReset, resetPassword } from './password-reset.js';
import { AgentSchema } from './presenter.js';
import { startSignedIn } from './sign-in.js';

// Enough for a typo and a retry; few enough that nobody floods an inbox through Kefu.
const PER_ADDRESS_PER_HOUR = 3;
const PER_IP_PER_HOUR = 10;

export const passwordResetRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const perIp = sharedLimiter(ctx.database, 'password-reset-ip', PER_IP_PER_HOUR, 60 * 60_000);
  const perEmail = sharedLimiter(ctx.database, 'password-reset-email', PER_ADDRESS_PER_HOUR, 60 * 60_000);

  app.post(
    '/auth/password/forgot',
    {
      schema: {
        tags: ['auth'],
        description: 'Mails a reset link to an active agent. The answer is the same whether or not the address belongs to anyone.',
        body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }) }),
        response: withErrors({ 202: Type.Object({ ok: Type.Literal(true) }) }, 400, 429),
      },
    },
    async (request, reply) => {
      const key = request.body.email.trim().toLowerCase();
      const ipWait = await perIp.attempt(request.ip);
      const wait = ipWait || (await perEmail.attempt(key));
      if (wait > 0) {
        // Refused by the address's limit: the attempt never happened, as far as the IP's limit goes.
        if (ipWait === 0) await perIp.release(request.ip);
        reply.header('retry-after', String(wait));
        throw new TooManyRequests(`Too many reset requests. Try again in ${Math.ceil(wait / 60)} minutes.`, wait);
      }
      await requestPasswordReset(ctx, key);
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/auth/password/reset',
    {
      schema: {
        tags: ['auth'],
        description: 'Sets a new password with a reset link, ends every other session, revokes all API tokens and signs in.',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }),
        response: withErrors({ 200: Type.Object({ agent: AgentSchema, csrfToken: Type.String() }) }, 400),
      },
    },
    async (request, reply) => startSignedIn(ctx, await resetPassword(ctx, request.body.token, request.body.password), request, reply),
  );
};
