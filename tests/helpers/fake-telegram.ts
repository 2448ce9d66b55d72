// A loopback stand-in for the Telegram Bot API (core.telegram.org/bots/api), speaking its wire
// format: `<base>/bot<token>/<method>` with JSON, form-encoded or multipart bodies answered with
// `{ok, result}` or `{ok:false, error_code, description}`, and files at `<base>/file/bot<token>/<path>`.
// It records every call, can be told to fail a method a few times, and can deliver updates to the
// webhook Kefu registered, with the secret token, as Telegram does.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TelegramCall {
  method: string;
  /** every non-file field, as sent (JSON values stay typed; form fields are strings) */
  params: Record<string, unknown>;
  files: Array<{ field: string; name: string; type: string; bytes: Buffer }>;
}

export interface ScriptedFailure {
  status: number;
  error_code?: number;
  description?: string;
  retry_after?: number;
}

export interface FakeTelegram {
  /** the api_base_url to configure */
  url: string;
  token: string;
  calls: TelegramCall[];
  webhook: { url: string; secret_token: string } | null;
  /** Files getFile knows, by file_id. */
  addFile(fileId: string, bytes: Buffer, filePath: string): void;
  /** The next calls of `method` fail like this, one failure per call, in order. */
  failNext(method: string, ...failures: ScriptedFailure[]): void;
  callsOf(method: string): TelegramCall[];
  /** Waits until `method` has been called `count` times in all. */
  waitForCalls(method: string, count: number): Promise<TelegramCall[]>;
  /**
   * POSTs an update to the registered webhook with the secret header; resolves with the HTTP status.
   * `origin` replaces the registered URL's scheme, host and port (a test server's public_url is not where it listens).
   */
  deliver(update: unknown, options?: { secret?: string; origin?: string }): Promise<number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a JSON, form-encoded or multipart body the way the Bot API accepts all three. */
async function parseCall(method: string, req: IncomingMessage, body: Buffer): Promise<TelegramCall> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return { method, params: body.length ? (JSON.parse(body.toString()) as Record<string, unknown>) : {}, files: [] };
  if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(body) }).formData();
    const call: TelegramCall = { method, params: {}, files: [] };
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') call.params[field] = value;
      else call.files.push({ field, name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return call;
  }
  return { method, params: Object.fromEntries(new URL(req.url ?? '/', 'http://fake').searchParams), files: [] };
}

export async function startFakeTelegram(token = '123456:fake-bot-token'): Promise<FakeTelegram> {
  const files = new Map<string, { bytes: Buffer; path: string }>();
  const failures = new Map<string, ScriptedFailure[]>();
  const waiters: Array<() => void> = [];
  let nextMessageId = 1000;

  const fake: FakeTelegram = {
    url: '',
    token,
    calls: [],
    webhook: null,
    addFile: (fileId, bytes, filePath) => void files.set(fileId, { bytes, path: filePath }),
    failNext: (method, ...list) => void failures.set(method, [...(failures.get(method) ?? []), ...list]),
    callsOf: (method) => fake.calls.filter((c) => c.method === method),
    waitForCalls: (method, count) =>
      new Promise((resolve) => {
        const check = () => {
          if (fake.callsOf(method).length < count) return false;
          resolve(fake.callsOf(method));
          return true;
        };
        const waiter = () => {
          if (!check()) waiters.push(waiter);
        };
        if (!check()) waiters.push(waiter);
      }),
    async deliver(update, options = {}) {
      if (!fake.webhook) throw new Error('no webhook registered');
      const registered = new URL(fake.webhook.url);
      const target = options.origin ? new URL(registered.pathname, options.origin).toString() : registered.toString();
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': options.secret ?? fake.webhook.secret_token },
        body: JSON.stringify(update),
      });
      await res.body?.cancel();
      return res.status;
    },
    close: async () => undefined,
  };

  function result(call: TelegramCall): unknown {
    const chatId = Number(call.params.chat_id);
    const chat = { id: chatId, type: 'private' };
    switch (call.method) {
      case 'getMe':
        return { id: Number(token.split(':')[0]), is_bot: true, first_name: 'Kefu Test Bot', username: 'kefu_test_bot' };
      case 'setWebhook':
        fake.webhook = { url: String(call.params.url), secret_token: String(call.params.secret_token ?? '') };
        return true;
      case 'getFile': {
        const f = files.get(String(call.params.file_id));
        return f ? { file_id: call.params.file_id, file_unique_id: `u-${String(call.params.file_id)}`, file_size: f.bytes.length, file_path: f.path } : null;
      }
      case 'sendMessage':
        return { message_id: ++nextMessageId, chat, date: Math.floor(Date.now() / 1000), text: call.params.text };
      case 'sendPhoto':
        return { message_id: ++nextMessageId, chat, date: Math.floor(Date.now() / 1000), photo: [{ file_id: `p${nextMessageId}`, width: 1, height: 1 }] };
      case 'sendDocument':
        return { message_id: ++nextMessageId, chat, date: Math.floor(Date.now() / 1000), document: { file_id: `d${nextMessageId}`, file_name: call.files[0]?.name } };
      default:
        return undefined;
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = await readBody(req);
      const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (fileMatch) {
        const file = fileMatch[1] === token ? [...files.values()].find((f) => f.path === fileMatch[2]) : undefined;
        if (!file) return void res.writeHead(404).end();
        return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length }).end(file.bytes);
      }
      const send = (status: number, payload: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
      if (!m) return void send(404, { ok: false, error_code: 404, description: 'Not Found' });
      if (m[1] !== token) return void send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      const method = m[2]!.replace(/^./, (c) => c.toLowerCase());
      const call = await parseCall(method, req, body);
      fake.calls.push(call);
      for (const w of waiters.splice(0)) w();
      const failure = failures.get(method)?.shift();
      if (failure) {
        const description = failure.description ?? (failure.status >= 500 ? 'Internal Server Error' : 'Bad Request');
        return void send(failure.status, {
          ok: false,
          error_code: failure.error_code ?? failure.status,
          description,
          ...(failure.retry_after ? { parameters: { retry_after: failure.retry_after } } : {}),
        });
      }
      const value = result(call);
      if (value === null) return void send(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
      if (value === undefined) return void send(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      send(200, { ok: true, result: value });
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
