import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { IdParams, withErrors, ErrorSchema } from '../../http/schemas.js';
import { AiUpstreamError, streamChat, type AiConfig, type ChatMessage } from './client.js';
import { draftRequest, summaryRequest } from './service.js';

const tags = ['ai'];

const EventStream = {
  description:
    'text/event-stream: `event: delta` with data `{"text"}` for each piece of text, in order; then `event: done`, or `event: error` with data `{"code","message","reason"}` (reason: auth, rate_limited, not_found, timeout or unavailable) when the AI service fails mid-way.',
  content: { 'text/event-stream': { schema: Type.String() } },
};

const streamSchema = (summary: string) => ({
  tags,
  summary,
  params: IdParams,
  response: { 200: EventStream, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 502: ErrorSchema },
});

const frame = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

async function* relay(first: IteratorResult<string>, rest: AsyncGenerator<string>, log: { warn(obj: object, msg: string): void }): AsyncGenerator<string> {
  try {
    if (!first.done) yield frame('delta', { text: first.value });
    for await (const text of rest) yield frame('delta', { text });
    yield frame('done', {});
  } catch (err) {
    const known = err instanceof AiUpstreamError;
    log.warn({ err, upstreamStatus: known ? err.upstreamStatus : null }, 'AI stream failed');
    yield frame(
      'error',
      known ? { code: err.code, message: err.message, reason: err.reason } : { code: 'ai_unavailable', message: 'No draft: the AI service stopped answering. Try again.', reason: 'unavailable' },
    );
  }
}

/**
 * Streams a completion to the browser. The first piece is awaited before any header goes out, so a
 * refused request (bad key, unknown model, service down) is a plain JSON error, not a broken stream.
 */
async function streamTo(reply: FastifyReply, ai: AiConfig, messages: ChatMessage[]): Promise<FastifyReply> {
  const abort = new AbortController();
  // A closed tab or a pressed Stop ends the upstream generation too.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  const upstream = streamChat(ai, messages, abort.signal);
  const first = await upstream.next();
  reply.header('content-type', 'text/event-stream; charset=utf-8').header('cache-control', 'no-cache, no-transform').header('x-accel-buffering', 'no');
  return reply.send(Readable.from(relay(first, upstream, reply.log)));
}

/**
 * /api/v1/ai and /api/v1/tickets/:id/ai/*: registered only when `ai` is configured, so without it
 * every one of them is a 404 and the agent app shows nothing about AI.
 */
export const aiRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext; ai: AiConfig }> = async (app, { ctx, ai }) => {
  app.addHook('onRequest', requireAgent);

  app.get(
    '/ai',
    { schema: { tags, summary: 'Whether AI drafting is on, and with which model', response: withErrors({ 200: Type.Object({ enabled: Type.Boolean(), model: Type.String() }) }, 401) } },
    async () => ({ enabled: true, model: ai.model }),
  );

  app.post('/tickets/:id/ai/draft', { schema: streamSchema('Stream a reply draft grounded in the knowledge base and the public messages') }, async (request, reply) =>
    streamTo(reply, ai, await draftRequest(ctx, ai, agentOf(request), request.params.id)),
  );

  app.post('/tickets/:id/ai/summary', { schema: streamSchema('Stream a summary of the ticket, internal notes included, for the agent') }, async (request, reply) =>
    streamTo(reply, ai, await summaryRequest(ctx, ai, agentOf(request), request.params.id)),
  );
};
