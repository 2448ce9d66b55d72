import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A CSV download; a generator is sent as a stream that reads its next chunk only when the client took the last. */
export function sendCsv(reply: FastifyReply, name: string, body: string | AsyncGenerator<string>): FastifyReply {
  const day = new Date().toISOString().slice(0, 10);
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-${day}.csv"`).header('cache-control', 'no-store');
  return reply.send(typeof body === 'string' ? body : Readable.from(body, { objectMode: false }));
}
