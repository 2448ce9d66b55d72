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
 * the socket.
 */
export function releaseUpgradeRequest(socket: WebSocket, request: FastifyRequest, log: FastifyBaseLogger): void {
  socket.removeAllListeners('error');
  socket.on('error', (err) => {
    log.error({ err }, 'websocket error');
    socket.terminate();
  });
  // `_httpMessage` is where Node's http server keeps the response a socket is writing. An injected
  // upgrade (app.injectWS) has no TCP socket.
  const tcp = request.raw.socket as (Socket & { _httpMessage?: ServerResponse | null }) | undefined;
  if (tcp?._httpMessage) tcp._httpMessage.detachSocket(tcp);
}
