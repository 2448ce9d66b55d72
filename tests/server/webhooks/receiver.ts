import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  url: string;
}

/** A loopback HTTP server standing in for a subscriber: records each POST, answers from a script (200 once it runs out). */
export interface Receiver {
  url: string;
  calls: Received[];
  /** status codes for the next requests, in order */
  answers: number[];
  close(): Promise<void>;
}

export async function startReceiver(host = '127.0.0.1'): Promise<Receiver> {
  const calls: Received[] = [];
  const r: Partial<Receiver> & { answers: number[] } = { answers: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), url: req.url ?? '' });
      res.writeHead(r.answers.shift() ?? 200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return Object.assign(r, {
    url: `http://${host}:${(server.address() as AddressInfo).port}/hook`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
