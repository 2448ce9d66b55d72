/**
 * The server half of the widget relay benchmark, in its own process so its memory and event loop are
 * its own. `kefu`: a real Kefu with one widget channel. `bare`: a plain `ws` relay doing the least a
 * chat relay can do (parse, forward to the agent sockets, ack), for comparison.
 * Prints `READY {...}` once listening; answers `usage` (RSS and CPU time) over IPC.
 * KEFU_BENCH_DATA_DIR runs Kefu on that data directory (a seeded copy: it is written to and kept)
 * instead of an empty one; KEFU_BENCH_AGENT_SOCKETS=n adds sign-in cookies of the first n active
 * agents to READY, for the bench to connect that many agent sockets. Answers {snapshot: file} by
 * writing a V8 heap snapshot there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { startCheckpointer } from '../../server/db/checkpointer.js';
import { createLogger } from '../../server/logger.js';
import { benchConfig, benchCredentials } from './widget-bench-setup.js';
import { sqliteOf } from '../helpers/sqlite-handle.js';

const mode = process.argv[2] ?? 'kefu';
process.on('message', (m) => {
  if (typeof m === 'object' && m !== null && 'snapshot' in m) {
    process.send?.({ written: writeHeapSnapshot(String((m as { snapshot: string }).snapshot)) });
    return;
  }
  if (m === 'usage' || m === 'usage-gc') {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    // The heap still reachable (after a full collection, when --expose-gc allows one) tells a leak or a
    // cache from garbage not yet collected; RSS is read before it, as it was.
    // Only when asked: a collection between two CPU readings would count in a per-message figure.
    if (m === 'usage-gc') (globalThis as { gc?: () => void }).gc?.();
    const live = m === 'usage-gc' ? process.memoryUsage().heapUsed : mem.heapUsed;
    process.send?.({ rss: mem.rss, heapUsed: mem.heapUsed, liveHeap: live, external: mem.external, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});

if (mode === 'bare') {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  const agents = new Set<WebSocket>();
  let seq = 0;
  wss.on('connection', (socket, req) => {
    if (req.url?.startsWith('/agent')) {
      agents.add(socket);
      socket.on('close', () => agents.delete(socket));
      return;
    }
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { clientId: string; text: string };
      const event = JSON.stringify({ type: 'event', event: { type: 'message.created', message: { id: ++seq, text: frame.text } } });
      for (const a of agents) a.send(event);
      socket.send(JSON.stringify({ type: 'ack', clientId: frame.clientId }));
    });
  });
  wss.on('listening', () => {
    const { port } = wss.address() as AddressInfo;
    console.log(`READY ${JSON.stringify({ port })}`);
  });
} else {
  const keptDir = process.env.KEFU_BENCH_DATA_DIR;
  const dir = keptDir ?? mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-widget-'));
  const config = configFromObject(benchConfig(dir));
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.outbox.start();
  // As `kefu serve` runs it (server/workers.ts): WAL checkpoints on a thread of their own.
  const checkpointer = startCheckpointer(sqliteOf(ctx.database), { logger: ctx.logger });
  ctx.onClose(() => checkpointer.stop());
  await ctx.search.start();
  const { token, cookies } = await benchCredentials(ctx, Number(process.env.KEFU_BENCH_AGENT_SOCKETS ?? 0));
  const { port } = app.server.address() as AddressInfo;
  console.log(`READY ${JSON.stringify({ port, token, cookies })}`);
  process.on('SIGTERM', () => {
    void app.close().then(() => ctx.close()).finally(() => {
      if (!keptDir) rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}
