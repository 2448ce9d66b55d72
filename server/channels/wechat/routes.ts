import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { keepRawBody, rawBodyOf } from '../kit/raw-body.js';
import { takePush } from './inbound.js';
import { onKfCallback } from './kf.js';
import { wechatChannels } from './runtime.js';
import { answerVerification, openPush, PushRefused, type PushQuery } from './verify.js';

const PUSH_BODY_LIMIT = 256 * 1024;

/**
 * The server URL pasted into the WeChat console: GET answers its verification, POST takes pushes.
 * A push is answered `success` only once what it carried is committed, so a crash before that
 * makes WeChat retry; a retry is stored once.
 */
export async function wechatRoutes(app: FastifyInstance, opts: { ctx: AppContext }): Promise<void> {
  const { ctx } = opts;
  const log = ctx.logger.child({ subsystem: 'wechat' });
  // WeChat labels its XML inconsistently; whatever the type, the signature is checked over the bytes as sent.
  keepRawBody(app, ['text/xml', 'application/xml', 'text/plain', '*'], PUSH_BODY_LIMIT);

  const channelOf = (name: string) => wechatChannels(ctx).get(name);

  app.get<{ Params: { name: string }; Querystring: PushQuery }>('/webhooks/wechat/:name', { schema: { hide: true } }, async (request, reply) => {
    const channel = channelOf(request.params.name);
    if (!channel) return reply.code(404).type('text/plain').send('unknown channel');
    try {
      return reply.type('text/plain').send(answerVerification(channel, request.query));
    } catch (err) {
      if (!(err instanceof PushRefused)) throw err;
      log.warn({ channel: channel.config.name, reason: err.reason, ip: request.ip }, 'wechat verification refused');
      return reply.code(err.status).type('text/plain').send(err.reason);
    }
  });

  app.post<{ Params: { name: string }; Querystring: PushQuery; Body: unknown }>(
    '/webhooks/wechat/:name',
    { schema: { hide: true }, bodyLimit: PUSH_BODY_LIMIT },
    async (request, reply) => {
      const channel = channelOf(request.params.name);
      if (!channel) return reply.code(404).type('text/plain').send('unknown channel');
      const body = rawBodyOf(request.body).toString('utf8');
      try {
        const fields = openPush(channel, request.query, body);
        if (channel.config.kind === 'wecom_kf') await onKfCallback(ctx, channel, fields);
        else await takePush(ctx, channel, fields);
        return reply.type('text/plain').send('success');
      } catch (err) {
        if (!(err instanceof PushRefused)) throw err;
        log.warn({ channel: channel.config.name, reason: err.reason, ip: request.ip }, 'wechat push refused');
        return reply.code(err.status).type('text/plain').send(err.reason);
      }
    },
  );
}
