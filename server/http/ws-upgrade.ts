import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';

/**
 * Lets go of the HTTP request a websocket was upgraded from, for the socket's whole life.
 * @fastify/websocket leaves two paths to it: the error listener it puts on the socket closes over
 * the Fastify request and reply (with the raw request, its headers and a child logger), and the
 * raw response it made for the upgrade stays attached to the TCP socket. A few KB per socket,
 * megabytes with thousands of visitors connected. Call it first thing in a websocket handler,
 * before adding error listeners of your own; its listener does what the plugin's did: log and end
 * the socket. Returns the socket's logger (see socketLogger).
 */
export function releaseUpgradeRequest(socket: WebSocket, request: FastifyRequest): () => FastifyBaseLogger {
  const log = socketLogger(request);
  socket.removeAllListeners('error');
  socket.on('error', (err) => {
    log().error({ err }, 'websocket error');
    socket.terminate();
  });
  // `_httpMessage` is where Node's http server keeps the response a socket is writing. An injected
  // upgrade (app.injectWS) has no TCP socket.
  const tcp = request.raw.socket as (Socket & { _httpMessage?: ServerResponse | null }) | undefined;
  if (tcp?._httpMessage) tcp._httpMessage.detachSocket(tcp);
  return log;
}

/**
 * The upgrade request's logger (its lines carry the request id), made again on the socket's first
 * log line: Fastify's is a child logger per request, ~400 bytes that a socket kept for its whole
 * life, when most sockets never log a line.
 */
function socketLogger(request: FastifyRequest): () => FastifyBaseLogger {
  const parent = request.server.log;
  const reqId = request.id;
  let log: FastifyBaseLogger | undefined;
  return () => (log ??= parent.child({ reqId }));
}
