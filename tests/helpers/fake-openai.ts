// A loopback stand-in for an OpenAI-compatible `/v1/chat/completions` endpoint with `stream: true`:
// it answers with SSE chunks `data: {"choices":[{"delta":{"content":...}}]}` and `data: [DONE]`,
// records each request, and can be told to fail, or to hold the stream open until released.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  path: string;
  authorization: string | undefined;
  body: { model: string; stream: boolean; messages: Array<{ role: string; content: string }> };
}

export interface FakeOpenAi {
  /** The base_url to configure (ends in /v1). */
  url: string;
  requests: ChatRequest[];
  /** The pieces the next streams send, in order. */
  reply(pieces: string[]): void;
  /** The next request answers this status and JSON body instead of a stream. */
  failNext(status: number, body: unknown): void;
  /**
   * The next stream sends its first piece and waits: for release() to send the rest, or for the
   * client to go away, which `closed` then resolves for.
   */
  holdNext(): { release(): void; closed: Promise<void> };
  /** The next stream sends its first piece, then the connection drops. */
  cutNext(): void;
  /** Resolves when `count` requests have arrived in all. */
  waitForRequests(count: number): Promise<ChatRequest[]>;
  close(): Promise<void>;
}

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

async function readJson(req: IncomingMessage): Promise<ChatRequest['body']> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as ChatRequest['body'];
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const requests: ChatRequest[] = [];
  let pieces = ['Hello', ' there', '!'];
  let failure: { status: number; body: unknown } | null = null;
  let hold: { release: Promise<void>; onClosed: () => void } | null = null;
  let cut = false;
  const waiters: Array<{ count: number; resolve: (r: ChatRequest[]) => void }> = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'no such route' } }));
      return;
    }
    const body = await readJson(req);
    requests.push({ path: req.url, authorization: req.headers.authorization, body });
    for (const w of waiters.filter((w) => requests.length >= w.count)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve([...requests]);
    }
    if (failure) {
      const f = failure;
      failure = null;
      res.writeHead(f.status, { 'content-type': 'application/json' }).end(JSON.stringify(f.body));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
    const [first, ...rest] = pieces;
    if (first !== undefined) res.write(chunk(first));
    if (cut) {
      cut = false;
      // Once the piece is out, drop the connection as a crashed server would.
      res.write('', () => res.destroy());
      return;
    }
    if (hold) {
      const h = hold;
      hold = null;
      res.on('close', () => h.onClosed());
      await h.release;
      if (res.destroyed) return;
    }
    for (const p of rest) res.write(chunk(p));
    res.write(chunk('', 'stop'));
    res.end('data: [DONE]\n\n');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reply(next) {
      pieces = next;
    },
    failNext(status, body) {
      failure = { status, body };
    },
    holdNext() {
      let release!: () => void;
      let onClosed!: () => void;
      const closed = new Promise<void>((resolve) => (onClosed = resolve));
      hold = { release: new Promise<void>((resolve) => (release = resolve)), onClosed };
      return { release, closed };
    },
    cutNext() {
      cut = true;
    },
    waitForRequests(count) {
      if (requests.length >= count) return Promise.resolve([...requests]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
