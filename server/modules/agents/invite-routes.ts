import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { accountMailChannel } from './account-mail.js';
import { acceptInvite, createInvite, inviteByToken, listOpenInvites, renewInvite, revokeInvite } from './invites.js';
import { InviteSchema, IssuedInviteSchema, presentInvite } from './invite-presenter.js';
import { AgentSchema, LanguageSchema, RoleSchema } from './presenter.js';
import { startSignedIn } from './sign-in.js';

const Token = Type.String({ minLength: 1, maxLength: 200 });

export const inviteRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const admin = requireRole('admin');
  const issued = (r: Awaited<ReturnType<typeof createInvite>>) => ({ invite: presentInvite(r.invite), link: r.link, mailed: r.mailed });

  app.get(
    '/agents/invites',
    {
      onRequest: admin,
      schema: {
        tags: ['agents'],
        response: withErrors(
          {
            200: Type.Object({
              items: Type.Array(InviteSchema),
              /** false: no mailbox can send, so links must be copied and handed over */
              mailConfigured: Type.Boolean(),
            }),
          },
          401,
          403,
        ),
      },
    },
    async () => ({ items: (await listOpenInvites(ctx)).map(presentInvite), mailConfigured: accountMailChannel(ctx) !== null }),
  );

  app.post(
    '/agents/invites',
    {
      onRequest: admin,
      schema: {
        tags: ['agents'],
        body: Type.Object({
          email: Type.String({ maxLength: 320 }),
          role: RoleSchema,
          teamId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
          language: Type.Optional(
            Type.Union(LanguageSchema.anyOf, {
              description: "The invitation mail's language and the new agent's; the inviting admin's own when not given.",
            }),
          ),
        }),
        response: withErrors({ 201: IssuedInviteSchema }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => reply.code(201).send(issued(await createInvite(ctx, agentOf(request).id, request.body))),
  );

  app.post(
    '/agents/invites/:id/resend',
    { onRequest: admin, schema: { tags: ['agents'], params: IdParams, response: withErrors({ 200: IssuedInviteSchema }, 401, 403, 404) } },
    async (request) => issued(await renewInvite(ctx, agentOf(request).id, request.params.id, true)),
  );

  app.post(
    '/agents/invites/:id/link',
    {
      onRequest: admin,
      schema: {
        tags: ['agents'],
        description: 'A fresh link to hand over by hand, without mail; earlier links of this invitation stop working.',
        params: IdParams,
        response: withErrors({ 200: IssuedInviteSchema }, 401, 403, 404),
      },
    },
    async (request) => issued(await renewInvite(ctx, agentOf(request).id, request.params.id, false)),
  );

  app.delete(
    '/agents/invites/:id',
    { onRequest: admin, schema: { tags: ['agents'], params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await revokeInvite(ctx, agentOf(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  // The token travels in the body, not the URL, so it never lands in access logs.
  app.post(
    '/auth/invite',
    {
      schema: {
        tags: ['auth'],
        body: Type.Object({ token: Token }),
        response: withErrors({ 200: Type.Object({ email: Type.String(), role: RoleSchema }) }, 400),
      },
    },
    async (request) => {
      const invite = await inviteByToken(ctx, request.body.token);
      return { email: invite.email, role: invite.role };
    },
  );

  app.post(
    '/auth/invite/accept',
    {
      schema: {
        tags: ['auth'],
        body: Type.Object({
          token: Token,
          name: Type.String({ minLength: 1, maxLength: 200 }),
          password: Type.String({ minLength: 1, maxLength: 1024 }),
        }),
        response: withErrors({ 200: Type.Object({ agent: AgentSchema, csrfToken: Type.String() }) }, 400, 409),
      },
    },
    async (request, reply) => startSignedIn(ctx, await acceptInvite(ctx, request.body), request, reply),
  );
};
