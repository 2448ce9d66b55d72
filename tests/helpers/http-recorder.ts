// A loopback HTTP endpoint that records every request and answers from a script: the far end of a
// callback, or a file server for media URLs.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Answer {
  status: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export interface HttpRecorder {
  url: string;
  requests: RecordedRequest[];
  /** Answers queued here are used first, in order; then `fallback`. */
  answers: Answer[];
  fallback: (req: RecordedRequest) => Answer;
  close(): Promise<void>;
}

export async function startHttpRecorder(fallback: (req: RecordedRequest) => Answer = () => ({ status: 200, body: 'ok' })): Promise<HttpRecorder> {
  const recorder: HttpRecorder = { url: '', requests: [], answers: [], fallback, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      recorder.requests.push(recorded);
      const answer = recorder.answers.shift() ?? recorder.fallback(recorded);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  recorder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  recorder.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return recorder;
}
