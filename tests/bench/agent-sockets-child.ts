/**
 * Agent websockets in a process of their own, so the bench that starts it measures only the
 * server's CPU. Reads {url, cookies} as JSON from argv[2]; prints `ready` once every socket has its
 * hello, then for each `wait <marker>` line on stdin answers `waiting`, then prints `seen <frames>` once every socket has
 * received a frame containing the marker (frames arrive in order, so all earlier ones are in too).
 */
import { createInterface } from 'node:readline';
import { WebSocket } from 'ws';

const { url, cookies } = JSON.parse(process.argv[2] ?? '{}') as { url: string; cookies: string[] };
let frames = 0;
let waiting: { marker: string; pending: Set<WebSocket> } | null = null;

const sockets = await Promise.all(
  cookies.map(async (cookie) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    ws.on('message', (data: Buffer) => {
      frames++;
      if (waiting?.pending.has(ws) && data.includes(waiting.marker)) {
        waiting.pending.delete(ws);
        if (waiting.pending.size === 0) {
          waiting = null;
          console.log(`seen ${frames}`);
        }
      }
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  }),
);
console.log('ready');

for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, marker] = line.split(' ');
  if (cmd === 'wait' && marker) {
    waiting = { marker, pending: new Set(sockets) };
    // The bench sends the marked message only after this: it cannot pass by before we look for it.
    console.log('waiting');
  }
  if (cmd === 'quit') break;
}
for (const ws of sockets) ws.terminate();
process.exit(0);
