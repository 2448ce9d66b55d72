import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole, requireSession, sessionIdOf } from '../../http/auth.js';
import { NotFound, TooManyRequests } from '../../http/errors.js';
import { sharedLimiter } from '../../http/attempt-limiter.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { completeSetup, needsSetup } from './first-run.js';
import { AgentSchema, ApiTokenSchema, LanguageSchema, presentAgent, presentApiToken, RoleSchema } from './presenter.js';
import { findAgentById, listAgents, type AgentRow } from './queries.js';
import { deleteSession, SESSION_COOKIE } from './sessions.js';
import { startSignedIn } from './sign-in.js';
import { authenticate, changeOwnPassword, createAgent, updateAgent } from './service.js';
import { adminTokenRoutes } from './token-routes.js';
import { createApiToken, listApiTokens, revokeApiToken } from './tokens.js';

const SignedIn = Type.Object({ agent: AgentSchema, csrfToken: Type.String() });
const Password = Type.String({ minLength: 1, maxLength: 1024 });

export const agentsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const windowMs = 15 * 60_000;
  const perIp = sharedLimiter(ctx.database, 'login-ip', ctx.config.security.login_attempts_per_15min * 3, windowMs);
  const perEmail = sharedLimiter(ctx.database, 'login-email', ctx.config.security.login_attempts_per_15min, windowMs);

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: Type.Object({ email: Type.String({ maxLength: 320 }), password: Password }),
        response: withErrors({ 200: SignedIn }, 400, 401, 429),
      },
    },
    async (request, reply) => {
      const emailKey = request.body.email.trim().toLowerCase();
      // Counted before the slow password check: counting only failures let parallel attempts all pass the limit.
      const ipWait = await perIp.attempt(request.ip);
      const wait = ipWait || (await perEmail.attempt(emailKey));
      if (wait > 0) {
        // Refused by the address's limit: the attempt never happened, as far as the IP's limit goes.
        if (ipWait === 0) await perIp.release(request.ip);
        reply.header('retry-after', String(wait));
        throw new TooManyRequests(`Too many sign-in attempts. Try again in ${Math.ceil(wait / 60)} minutes.`, wait);
      }
      try {
        const agent = await authenticate(ctx, request.body.email, request.body.password);
        await perEmail.reset(emailKey);
        await perIp.release(request.ip);
        return await startSignedIn(ctx, agent, request, reply);
      } catch (err) {
        request.log.info({ ip: request.ip }, 'failed sign-in');
        throw err;
      }
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], response: { 204: Type.Null() } } }, async (request, reply) => {
    if (request.auth?.via === 'session') await deleteSession(ctx, request.auth.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get(
    '/auth/setup',
    { schema: { tags: ['auth'], response: { 200: Type.Object({ needsSetup: Type.Boolean() }) } } },
    async () => ({ needsSetup: await needsSetup(ctx) }),
  );

  app.post(
    '/auth/setup',
    {
      schema: {
        tags: ['auth'],
        body: Type.Object({
          token: Type.String({ minLength: 1 }),
          email: Type.String({ maxLength: 320 }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          password: Password,
          language: Type.Optional(LanguageSchema),
        }),
        response: withErrors({ 200: SignedIn }, 400, 409),
      },
    },
    async (request, reply) => startSignedIn(ctx, await completeSetup(ctx, request.body), request, reply),
  );

  app.get(
    '/me',
    { onRequest: requireAgent, schema: { tags: ['me'], response: withErrors({ 200: SignedIn }, 401) } },
    async (request) => {
      const agent = await mustFind(agentOf(request).id);
      return { agent: presentAgent(agent, ctx.presence), csrfToken: request.auth?.via === 'session' ? request.auth.csrfToken : '' };
    },
  );

  app.patch(
    '/me',
    {
      onRequest: requireAgent,
      schema: {
        tags: ['me'],
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            language: Type.Optional(LanguageSchema),
            timezone: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
            avatarUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()], { description: 'An http(s) URL; empty or null clears it.' })),
            preferences: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
            currentPassword: Type.Optional(Password),
            newPassword: Type.Optional(Password),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Type.Object({ agent: AgentSchema }) }, 400, 401, 403),
      },
    },
    async (request) => {
      const me = await mustFind(agentOf(request).id);
      const { newPassword, currentPassword, ...profile } = request.body;
      if (newPassword !== undefined) await changeOwnPassword(ctx, me, currentPassword, newPassword, sessionIdOf(request));
      const updated = await updateAgent(ctx, me.id, profile);
      return { agent: presentAgent(updated, ctx.presence) };
    },
  );

  app.get(
    '/me/tokens',
    { onRequest: requireAgent, schema: { tags: ['me'], response: withErrors({ 200: Type.Object({ items: Type.Array(ApiTokenSchema) }) }, 401) } },
    async (request) => ({ items: (await listApiTokens(ctx, agentOf(request).id)).map(presentApiToken) }),
  );

  app.post(
    '/me/tokens',
    {
      onRequest: requireSession,
      schema: {
        tags: ['me'],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: withErrors({ 201: Type.Object({ token: ApiTokenSchema, secret: Type.String() }) }, 400, 401, 403),
      },
    },
    async (request, reply) => {
      const { token, secret } = await createApiToken(ctx, agentOf(request).id, request.body.name);
      return reply.code(201).send({ token: presentApiToken(token), secret });
    },
  );

  app.delete(
    '/me/tokens/:id',
    { onRequest: requireAgent, schema: { tags: ['me'], params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 404) } },
    async (request, reply) => {
      await revokeApiToken(ctx, agentOf(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/agents',
    { onRequest: requireAgent, schema: { tags: ['agents'], response: withErrors({ 200: Type.Object({ items: Type.Array(AgentSchema) }) }, 401) } },
    async () => ({ items: (await listAgents(ctx.db)).map((a) => presentAgent(a, ctx.presence)) }),
  );

  app.post(
    '/agents',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['agents'],
        body: Type.Object({
          email: Type.String({ maxLength: 320 }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          role: RoleSchema,
          // Kefu sends no invite links: without a first password nobody could ever sign in to the account.
          password: Password,
          language: Type.Optional(LanguageSchema),
        }),
        response: withErrors({ 201: Type.Object({ agent: AgentSchema }) }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      const agent = await createAgent(ctx, request.body);
      return reply.code(201).send({ agent: presentAgent(agent, ctx.presence) });
    },
  );

  app.patch(
    '/agents/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['agents'],
        params: IdParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            role: Type.Optional(RoleSchema),
            active: Type.Optional(Type.Boolean()),
            password: Type.Optional(Password),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Type.Object({ agent: AgentSchema }) }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => {
      // An admin resetting their own password stays signed in here, like changing it from the profile.
      const keepSessionId = request.auth?.via === 'session' && request.auth.agent.id === request.params.id ? request.auth.sessionId : undefined;
      const agent = await updateAgent(ctx, request.params.id, request.body, { keepSessionId });
      return { agent: presentAgent(agent, ctx.presence) };
    },
  );

  await app.register(adminTokenRoutes, { ctx });

  async function mustFind(id: number): Promise<AgentRow> {
    const agent = await findAgentById(ctx.db, id);
    if (!agent) throw new NotFound('agent');
    return agent;
  }
};
