import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFound } from '../../http/errors.js';
import { frameAncestors } from './origin.js';
import type { WidgetRuntime } from './runtime.js';
import { ChannelParams } from './schemas.js';

/**
 * The chat frame page, per channel, so the browser itself refuses to show it inside a page that is not
 * among the channel's allowed origins (CSP frame-ancestors).
 */
export const widgetPageRoutes: FastifyPluginAsyncTypebox<{ rt: WidgetRuntime; webRoot: string | null }> = async (
  app,
  { rt, webRoot },
) => {
  const file = webRoot ? path.join(webRoot, 'widget', 'frame.html') : null;
  let cached: string | null = null;
  app.get('/widget/:channel/frame', { schema: { params: ChannelParams } }, async (request, reply) => {
    const ch = rt.channel(request.params.channel);
    if (!file || !existsSync(file)) throw new NotFound('widget build');
    cached ??= readFileSync(file, 'utf8');
    reply.header('content-type', 'text/html; charset=utf-8');
    reply.header('cache-control', 'no-cache');
    reply.header(
      'content-security-policy',
      [
        `frame-ancestors ${frameAncestors(ch.allowed_origins)}`,
        "default-src 'self'",
        "img-src 'self' data: blob: https:",
        "style-src 'self' 'unsafe-inline'",
        "connect-src 'self' ws: wss:",
        "media-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
      ].join('; '),
    );
    return reply.send(cached);
  });
};
