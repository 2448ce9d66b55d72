import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { FrameLog } from './ws-client.js';

// A full collection on demand, as --expose-gc would give: only a request nothing reaches is collected.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

// Every open websocket used to keep the HTTP request it was upgraded from (headers, the Fastify
// request and reply, a child logger): kilobytes per socket, megabytes with thousands of visitors.
// Over a real TCP connection, where the upgrade's response is attached to the socket.
describe('an open agent websocket', () => {
  let t: TestApp;
  let ws: WebSocket | undefined;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    ws?.terminate();
    await t.close();
  });

  it('no longer holds the upgrade request, and still works', async () => {
    let upgrade: WeakRef<IncomingMessage> | undefined;
    t.app.server.prependListener('upgrade', (req: IncomingMessage) => {
      upgrade = new WeakRef(req);
    });
    const { port } = t.app.server.address() as AddressInfo;
    ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/ws`, { headers: { cookie: t.admin.cookie } });
    const frames = new FrameLog(ws);
    await frames.next((f) => f.type === 'hello');
    expect(upgrade, 'the upgrade was seen').toBeDefined();

    await nextTurn();
    collectGarbage();
    await nextTurn();
    expect(upgrade!.deref()).toBeUndefined();

    // The socket still answers after its request is gone.
    frames.send({ type: 'ping' });
    await frames.next((f) => f.type === 'pong');
  });
});
