import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { AppError, BadRequest, NotFound, Unauthorized } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import { visibleTicket } from '../../modules/tickets/policy.js';
import { handleChanges } from './inbound.js';
import { readChanges } from './payload.js';
import { signaturesEqual } from '../kit/hmac.js';
import { keepRawBody, parseJsonObject, rawBodyOf } from '../kit/raw-body.js';
import { verifyHubSignature } from './signature.js';
import { replyWindow } from './window.js';

const tags = ['channels'];
const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });

/** Meta's webhooks: the subscription check (GET) and deliveries (POST), signed with the app secret. */
export const whatsappWebhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const channelNamed = (name: string) => {
    const channel = ctx.config.channels.whatsapp.find((c) => c.name === name);
    if (!channel) throw new NotFound('channel');
    return channel;
  };
  // The signature covers the exact bytes, so the body is kept raw and parsed only once it checks out.
  keepRawBody(app);

  app.get(
    '/webhooks/whatsapp/:name',
    {
      schema: {
        tags,
        params: NameParams,
        querystring: Type.Object({
          'hub.mode': Type.Optional(Type.String()),
          'hub.verify_token': Type.Optional(Type.String()),
          'hub.challenge': Type.Optional(Type.String({ maxLength: 256 })),
        }),
        description: 'WhatsApp webhook verification: echoes hub.challenge when hub.verify_token matches the channel.',
        response: withErrors({ 200: Type.String() }, 403, 404),
      },
    },
    async (request, reply) => {
      const channel = channelNamed(request.params.name);
      const q = request.query;
      if (q['hub.mode'] !== 'subscribe' || !signaturesEqual(channel.verify_token, q['hub.verify_token'] ?? '')) {
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Wrong verify token.' } });
      }
      return reply.type('text/plain').send(q['hub.challenge'] ?? '');
    },
  );

  app.post(
    '/webhooks/whatsapp/:name',
    {
      schema: {
        tags,
        params: NameParams,
        description: 'WhatsApp Cloud API deliveries (messages and statuses), checked against X-Hub-Signature-256. Answered once stored.',
        response: withErrors({ 200: Type.Object({ ok: Type.Boolean() }) }, 400, 401, 404),
      },
    },
    async (request) => {
      const channel = channelNamed(request.params.name);
      const raw = rawBodyOf(request.body);
      const header = request.headers['x-hub-signature-256'];
      if (!verifyHubSignature(channel.app_secret, raw, typeof header === 'string' ? header : undefined)) {
        request.log.warn({ channel: channel.name }, 'whatsapp webhook with a bad signature refused');
        throw new Unauthorized('Bad or missing X-Hub-Signature-256.', 'bad_signature');
      }
      let changes;
      try {
        changes = readChanges(parseJsonObject(raw));
      } catch (err) {
        request.log.warn({ channel: channel.name, err }, 'malformed whatsapp webhook');
        if (err instanceof AppError) throw err;
        throw new BadRequest(`Malformed webhook: ${(err as Error).message}`);
      }
      await handleChanges(ctx, channel, changes);
      return { ok: true };
    },
  );
};

const WindowSchema = Type.Object({
  channel: Type.Object({ kind: Type.Literal('whatsapp'), name: Type.String() }),
  open: Type.Boolean(),
  lastInboundAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  templates: Type.Array(Type.Object({ name: Type.String(), language: Type.String() })),
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** For the composer: whether free text may go out on a WhatsApp ticket, and the templates that may instead. */
export const whatsappApiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  app.get(
    '/tickets/:id/whatsapp-window',
    {
      schema: {
        tags,
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        description: "The WhatsApp 24-hour customer service window of a ticket's contact, and the channel's approved templates.",
        response: withErrors({ 200: WindowSchema }, 401, 404),
      },
    },
    async (request) => {
      const ticket = await visibleTicket(ctx, agentOf(request), request.params.id);
      const channel = ticket.channel_kind === 'whatsapp' ? ctx.config.channels.whatsapp.find((c) => c.name === ticket.channel_name) : undefined;
      if (!channel) throw new NotFound('WhatsApp ticket');
      const w = await replyWindow(ctx.db, channel.name, ticket.contact_id, Date.now());
      return {
        channel: { kind: 'whatsapp' as const, name: channel.name },
        open: w.open,
        lastInboundAt: iso(w.lastInboundAt),
        expiresAt: iso(w.expiresAt),
        templates: channel.templates.map((t) => ({ name: t.name, language: t.language })),
      };
    },
  );
};
