import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { sendLinkCard } from './link-card.js';
import { wechatWindowOf } from './status.js';

const WindowSchema = Type.Object({
  window: Type.Union([
    Type.Object({
      expiresAt: Type.String({ description: 'when WeChat stops accepting replies until the customer writes again' }),
      remaining: Type.Integer({ description: 'replies left in this window' }),
      openedBy: Type.String({ description: 'message (5 in 48 h), event (3 in a minute) or closed' }),
      open: Type.Boolean(),
    }),
    Type.Null(),
  ]),
  held: Type.Integer({ description: 'replies waiting for the customer to write' }),
  limits: Type.Object({ textBytes: Type.Integer(), attachmentTypes: Type.Array(Type.String()), attachmentBytes: Type.Integer() }),
});

/** Agent API of the WeChat channel under /api/v1. */
export const wechatApiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/channels/wechat/window',
    {
      onRequest: requireAgent,
      schema: {
        tags: ['channels'],
        summary: "A WeChat ticket's reply window: time and messages left, and what WeChat accepts",
        querystring: Type.Object({ ticketId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: withErrors({ 200: WindowSchema }, 400, 401, 404),
      },
    },
    async (request) => wechatWindowOf(ctx, agentOf(request), request.query.ticketId),
  );

  app.post(
    '/channels/wechat/link-card',
    {
      onRequest: requireAgent,
      schema: {
        tags: ['channels'],
        summary: 'Reply to a WeChat ticket with a link card (a news card on an Official Account, a link message on WeCom)',
        body: Type.Object(
          {
            ticketId: Type.Integer({ minimum: 1 }),
            title: Type.String({ minLength: 1, maxLength: 64 }),
            description: Type.Optional(Type.String({ maxLength: 120 })),
            url: Type.String({ pattern: '^https?://', maxLength: 2048 }),
            picUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048 })),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 201: Type.Object({ messageId: Type.Integer() }) }, 400, 401, 404),
      },
    },
    async (request, reply) => {
      const { ticketId, ...card } = request.body;
      return reply.code(201).send({ messageId: await sendLinkCard(ctx, agentOf(request), ticketId, card) });
    },
  );
};
