import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { BadRequest, NotFound, Unauthorized } from '../../http/errors.js';
import { withErrors } from '../../http/schemas.js';
import type { TwilioChannelConfig } from './config-schema.js';
import { applySmsStatus, intakeSms, NotASmsWebhook } from './inbound.js';
import { verifyTwilioSignature } from './signature.js';

const tags = ['channels'];
const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/** Twilio's SMS webhooks: inbound messages and delivery status callbacks, form-encoded and signed. */
export const twilioWebhookRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))));
  });

  /** The channel, once the signature over the URL Twilio called (our public URL) and every parameter checks out. */
  function verified(request: FastifyRequest<{ Params: { name: string } }>): { channel: TwilioChannelConfig; params: Record<string, string> } {
    const channel = ctx.config.channels.twilio.find((c) => c.name === request.params.name);
    if (!channel) throw new NotFound('channel');
    const params = (request.body ?? {}) as Record<string, string>;
    const url = `${ctx.config.server.public_url}${request.url}`;
    const header = request.headers['x-twilio-signature'];
    if (!verifyTwilioSignature(channel.auth_token, url, params, typeof header === 'string' ? header : undefined)) {
      request.log.warn({ channel: channel.name }, 'twilio webhook with a bad signature refused');
      throw new Unauthorized('Bad or missing X-Twilio-Signature.', 'bad_signature');
    }
    return { channel, params };
  }

  const body = Type.Record(Type.String(), Type.String());

  app.post(
    '/webhooks/twilio/:name',
    {
      schema: {
        tags,
        params: NameParams,
        body,
        description: 'Inbound SMS/MMS from Twilio, checked against X-Twilio-Signature; answered with empty TwiML once stored.',
        response: withErrors({ 200: Type.String() }, 400, 401, 404),
      },
    },
    async (request, reply) => {
      const { channel, params } = verified(request);
      try {
        await intakeSms(ctx, channel, params);
      } catch (err) {
        if (!(err instanceof NotASmsWebhook)) throw err;
        request.log.warn({ channel: channel.name, reason: err.message }, 'malformed twilio webhook');
        throw new BadRequest(`Malformed webhook: ${err.message}`);
      }
      return reply.type('text/xml').send(EMPTY_TWIML);
    },
  );

  app.post(
    '/webhooks/twilio/:name/status',
    {
      schema: {
        tags,
        params: NameParams,
        body,
        description: "Twilio's StatusCallback for a reply: MessageStatus (sent, delivered, undelivered, failed) with ErrorCode.",
        response: withErrors({ 200: Type.String() }, 401, 404),
      },
    },
    async (request, reply) => {
      const { channel, params } = verified(request);
      await applySmsStatus(ctx, channel, params);
      return reply.type('text/xml').send(EMPTY_TWIML);
    },
  );
};
