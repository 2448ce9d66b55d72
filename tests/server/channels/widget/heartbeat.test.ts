import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Heartbeat } from '../../../../server/channels/widget/heartbeat.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
});

/** A real websocket server whose sockets the heartbeat watches, and clients that answer pings or not. */
async function watchedPair(heartbeat: Heartbeat): Promise<{ answering: WebSocket; silent: WebSocket; closed: Promise<unknown>[] }> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server!.once('listening', resolve));
  const closed: Promise<unknown>[] = [];
  server.on('connection', (socket) => {
    const unwatch = heartbeat.watch(socket);
    closed.push(new Promise((resolve) => socket.on('close', () => resolve(unwatch()))));
  });
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = (ws: WebSocket) => new Promise<WebSocket>((resolve) => ws.once('open', () => resolve(ws)));
  const answering = await open(new WebSocket(url));
  const silent = await open(new WebSocket(url, { autoPong: false }));
  return { answering, silent, closed };
}

describe('visitor socket heartbeat', () => {
  it('ends the socket that leaves pings unanswered and keeps the one that answers', async () => {
    const { answering, silent, closed } = await watchedPair(new Heartbeat(50));
    let pings = 0;
    answering.on('ping', () => pings++);
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    await silentClosed;
    await closed[1];
    // The answering socket was pinged meanwhile and is still open a period later.
    await expect.poll(() => pings).toBeGreaterThan(1);
    expect(answering.readyState).toBe(WebSocket.OPEN);
    answering.close();
    await closed[0];
  });
});
