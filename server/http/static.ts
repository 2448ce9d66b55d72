import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-handler.js';

/** dist/web, whether we run compiled (dist/server) or from source (server/). */
export function findWebRoot(): string | null {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../web'), path.resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(path.join(dir, 'index.html'))) ?? null;
}

/**
 * The agent app and widget assets (when built), and the 404 for everything else. Unknown non-API GETs get index.html so deep links
 * (/tickets/1042) load the app, which routes on the client.
 */
export async function serveWebApp(app: FastifyInstance, root: string | null): Promise<void> {
  if (!root) {
    app.setNotFoundHandler((request, reply) => reply.code(404).send(notFoundBody(request.method, request.url)));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: ['index.html'],
    // name.br / name.gz written at build time (web/vite-precompress.ts), chosen by Accept-Encoding.
    preCompressed: true,
    // Left on, the plugin writes its own `public, max-age=0` after setHeaders and hashed assets get revalidated.
    cacheControl: false,
    // Source maps publish the unminified source; builds emit none, and one left by an older build stays private.
    allowedPath: (pathname) => !pathname.endsWith('.map'),
    setHeaders(res, file) {
      // Hashed asset names never change content; everything else must be revalidated.
      const immutable = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      // The same URL answers br, gzip or plain: a shared cache must key on the encoding asked for.
      res.setHeader('vary', 'accept-encoding');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const wantsPage = request.method === 'GET' && !pathname.startsWith('/api/') && !path.extname(pathname);
    if (wantsPage) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return reply.code(404).send(notFoundBody(request.method, pathname));
  });
}

const notFoundBody = (method: string, url: string) => errorBody('not_found', `No route ${method} ${url.split('?')[0]}.`);
