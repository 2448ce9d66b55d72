import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { withErrors } from '../../http/schemas.js';
import { emailTranscript, endChat, rateChat } from './chat-end-service.js';
import { allowCors, checkOrigin, guardVisitor, VISITOR_HEADER } from './guard.js';
import { history, sendVisitorMessage } from './message-service.js';
import type { WidgetRuntime } from './runtime.js';
import {
  ChannelParams,
  ConversationParams,
  ConversationSchema,
  HistoryQuery,
  IdentifyBody,
  RatingBody,
  SendBody,
  SessionBody,
  SessionSchema,
  TranscriptBody,
  WidgetConfigSchema,
  WidgetMessageSchema,
} from './schemas.js';
import { configView, identify, startSession } from './session-service.js';
import { portalLinkForVisitor } from './portal-link.js';
import { requestBot } from './signals.js';

/** The visitor REST API under /api/v1/widget/:channel: authenticated by the visitor token, never by cookies. */
export const widgetRoutes: FastifyPluginAsyncTypebox<{ rt: WidgetRuntime }> = async (app, { rt }) => {
  app.options('/widget/:channel/*', async (request, reply) => {
    const ch = rt.channel((request.params as { channel: string }).channel);
    allowCors(ch, request, reply);
    reply.header('access-control-allow-methods', 'GET, POST');
    reply.header('access-control-allow-headers', `content-type, ${VISITOR_HEADER}`);
    reply.header('access-control-max-age', '600');
    return reply.code(204).send();
  });

  app.get(
    '/widget/:channel/config',
    { schema: { params: ChannelParams, response: withErrors({ 200: WidgetConfigSchema }, 403, 404) } },
    async (request, reply) => {
      const ch = rt.channel(request.params.channel);
      checkOrigin(ch, request);
      allowCors(ch, request, reply);
      reply.header('cache-control', 'no-store');
      return configView(rt, ch);
    },
  );

  app.post(
    '/widget/:channel/session',
    { schema: { params: ChannelParams, body: SessionBody, response: withErrors({ 200: SessionSchema }, 401, 403, 404, 429) } },
    async (request) => {
      const ch = rt.channel(request.params.channel);
      checkOrigin(ch, request);
      const token = request.headers[VISITOR_HEADER];
      if (typeof token !== 'string') await rt.limit(ch, 'ipSessions', request.ip);
      return startSession(rt, ch, { ...request.body, token: typeof token === 'string' ? token : undefined });
    },
  );

  app.post(
    '/widget/:channel/identify',
    {
      schema: {
        description:
          "Binds the visitor to the host site's signed-in user (Kefu.identify()). The email counts as verified only " +
          'when `hash` covers it: HMAC-SHA256(identity secret, id + "\\n" + email), hex.',
        params: ChannelParams,
        body: IdentifyBody,
        response: withErrors({ 200: SessionSchema }, 400, 401, 403, 404, 429),
      },
    },
    async (request) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      await rt.limit(ch, 'ipSessions', request.ip);
      return identify(rt, ch, visitor, request.body);
    },
  );

  app.get(
    '/widget/:channel/portal-link',
    {
      schema: {
        description:
          'A one-time URL (15 minutes) that signs a visitor verified by identify() into the customer portal at /help/tickets: ' +
          'it opens a page whose one "Sign in" button uses it up. ' +
          '403 portal_needs_verified_email for a visitor without a verified email; 409 portal_no_tickets when no contact owns it yet.',
        params: ChannelParams,
        response: withErrors({ 200: Type.Object({ url: Type.String() }) }, 401, 403, 404, 409, 429),
      },
    },
    async (request, reply) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      await rt.limit(ch, 'ipSessions', request.ip);
      reply.header('cache-control', 'no-store');
      return portalLinkForVisitor(rt, visitor);
    },
  );

  app.get(
    '/widget/:channel/messages',
    {
      schema: {
        params: ChannelParams,
        querystring: HistoryQuery,
        response: withErrors({ 200: Type.Object({ items: Type.Array(WidgetMessageSchema), hasMore: Type.Boolean() }) }, 401, 403, 404),
      },
    },
    async (request) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      return history(rt, ch, visitor, { beforeId: request.query.before, limit: request.query.limit });
    },
  );

  app.post(
    '/widget/:channel/messages',
    {
      schema: {
        params: ChannelParams,
        body: SendBody,
        response: withErrors({ 200: Type.Object({ message: WidgetMessageSchema, duplicate: Type.Boolean() }) }, 400, 401, 403, 404, 429),
      },
    },
    async (request) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      const result = await sendVisitorMessage(rt, ch, visitor, request.body, request.ip);
      if (!result.duplicate) rt.hub.send(visitor.id, { type: 'message', message: result.message });
      return result;
    },
  );

  app.post(
    '/widget/:channel/conversations/:id/end',
    { schema: { params: ConversationParams, response: withErrors({ 200: ConversationSchema }, 401, 403, 404) } },
    async (request) => {
      const { visitor } = await guardVisitor(rt, request, request.params.channel);
      return endChat(rt, visitor, request.params.id);
    },
  );

  app.post(
    '/widget/:channel/conversations/:id/rating',
    { schema: { params: ConversationParams, body: RatingBody, response: withErrors({ 200: ConversationSchema }, 400, 401, 403, 404, 409) } },
    async (request) => {
      const { visitor } = await guardVisitor(rt, request, request.params.channel);
      return rateChat(rt, visitor, request.params.id, request.body);
    },
  );

  app.post(
    '/widget/:channel/bot',
    {
      schema: {
        description: 'The answer bot: ask it again about the last message, say its answer solved the chat, or ask for a person (转人工).',
        params: ChannelParams,
        body: Type.Object({ action: Type.Union([Type.Literal('ask'), Type.Literal('solved'), Type.Literal('human')]) }, { additionalProperties: false }),
        response: withErrors({ 202: Type.Null() }, 400, 401, 403, 404),
      },
    },
    async (request, reply) => {
      const { visitor } = await guardVisitor(rt, request, request.params.channel);
      await requestBot(rt, visitor.id, request.body.action);
      return reply.code(202).send(null);
    },
  );

  app.post(
    '/widget/:channel/conversations/:id/transcript',
    { schema: { params: ConversationParams, body: TranscriptBody, response: withErrors({ 204: Type.Null() }, 400, 401, 403, 404, 409, 429) } },
    async (request, reply) => {
      const { ch, visitor } = await guardVisitor(rt, request, request.params.channel);
      await emailTranscript(rt, ch, visitor, request.params.id, { email: request.body?.email, ip: request.ip });
      return reply.code(204).send(null);
    },
  );

};
