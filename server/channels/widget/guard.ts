import type { FastifyReply, FastifyRequest } from 'fastify';
import { Forbidden } from '../../http/errors.js';
import type { WidgetChannelConfig } from './config-schema.js';
import { originAllowed } from './origin.js';
import type { VisitorRow } from './queries.js';
import type { WidgetRuntime } from './runtime.js';
import { authenticateVisitor } from './session-service.js';

export const VISITOR_HEADER = 'x-kefu-visitor';
export const PAGE_ORIGIN_HEADER = 'x-kefu-origin';

/**
 * The page a request speaks for. The chat frame runs on Kefu's own origin and names the page it is embedded
 * in; a request straight from a page (the loader fetching the config) carries that page's Origin.
 */
export function pageOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  const query = request.query as Record<string, unknown> | undefined;
  const named = request.headers[PAGE_ORIGIN_HEADER] ?? query?.po;
  const claimed = typeof named === 'string' ? named : undefined;
  if (origin && !isOwnOrigin(request, origin)) return origin;
  return claimed;
}

function isOwnOrigin(request: FastifyRequest, origin: string): boolean {
  try {
    const url = new URL(origin);
    // URL drops a scheme's default port; the Host header may keep it.
    return url.host === new URL(`${url.protocol}//${request.host}`).host;
  } catch {
    return false;
  }
}

export function checkOrigin(ch: WidgetChannelConfig, request: FastifyRequest): void {
  if (!originAllowed(ch.allowed_origins, pageOrigin(request))) {
    throw new Forbidden('This website may not use this chat.', 'origin_not_allowed');
  }
}

/** CORS for allowed pages only: a page anywhere else cannot read a single byte. */
export function allowCors(ch: WidgetChannelConfig, request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  if (!origin || isOwnOrigin(request, origin) || !originAllowed(ch.allowed_origins, origin)) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('vary', 'Origin');
}

export interface Guarded {
  ch: WidgetChannelConfig;
  visitor: VisitorRow;
}

export async function guardVisitor(rt: WidgetRuntime, request: FastifyRequest, channelName: string, token?: string): Promise<Guarded> {
  const ch = rt.channel(channelName);
  checkOrigin(ch, request);
  const header = request.headers[VISITOR_HEADER];
  const visitor = await authenticateVisitor(rt, ch, token ?? (typeof header === 'string' ? header : undefined));
  return { ch, visitor };
}
