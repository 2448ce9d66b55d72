import type { FastifyInstance } from 'fastify';

/** Probes and scrapes arrive every few seconds; at info they would bury the requests people make. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Query parameters whose values must not reach a log line (setup and widget tokens, signatures). */
const SECRET_PARAM = /token|secret|password|key|sig/i;

/**
 * One log line per request, written when the response is sent, instead of Fastify's two
 * ("incoming request" and "request completed"). Health checks and metrics scrapes go to debug
 * while they succeed.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    const [path = '', query] = request.url.split('?', 2);
    const status = reply.statusCode;
    const line = {
      method: request.method,
      url: query === undefined ? path : `${path}?${redactQuery(query)}`,
      status,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ip: request.ip,
    };
    if (QUIET_PATHS.has(path) && status < 400) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      return SECRET_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=[redacted]` : pair;
    })
    .join('&');
}

