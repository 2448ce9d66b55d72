import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** The JSON body, when it was JSON. */
  json: unknown;
  /** What the fake answered. */
  status: number;
}

export interface FakeWhatsApp {
  /** The api_base_url to configure (the Graph API version path included). */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Sent messages: POSTs to /<phone_number_id>/messages that the fake accepted. */
  sent(): Array<Record<string, unknown>>;
  /** Files a webhook media id resolves to. */
  media: Map<string, { body: Buffer; mimeType: string; declaredSize?: number }>;
  /** Media ids Graph no longer knows (expired): looking them up answers 400. */
  expired: Set<string>;
  /** The next `n` calls to the messages endpoint answer 500. */
  failNext(n: number): void;
  /** The next `n` media uploads answer 500. */
  failUploadsNext(n: number): void;
  /** The next message send answers 400 with this Graph error. */
  rejectNext(error: { message: string; code: number; details?: string }): void;
  /** Calls with another token answer 401, as Graph does. */
  token: string;
  close(): Promise<void>;
}

/** A loopback Graph API speaking the WhatsApp Cloud API's documented shapes. */
export async function startFakeWhatsApp(token = 'wa-token', port = 0): Promise<FakeWhatsApp> {
  const requests: RecordedRequest[] = [];
  const media = new Map<string, { body: Buffer; mimeType: string; declaredSize?: number }>();
  let failures = 0;
  let uploadFailures = 0;
  let rejection: { message: string; code: number; details?: string } | null = null;
  let nextId = 1;
  let baseUrl = '';
  const fake: FakeWhatsApp = {
    get baseUrl() {
      return baseUrl;
    },
    requests,
    media,
    expired: new Set<string>(),
    token,
    sent: () => requests.filter((r) => r.method === 'POST' && /\/messages$/.test(r.path) && r.status === 200).map((r) => r.json as Record<string, unknown>),
    failNext(n) {
      failures = n;
    },
    failUploadsNext(n) {
      uploadFailures = n;
    },
    rejectNext(error) {
      rejection = error;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      let json: unknown = null;
      if ((req.headers['content-type'] ?? '').includes('json')) json = JSON.parse(body.toString('utf8'));
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, body, json, status: 0 };
      requests.push(recorded);
      const send = (status: number, payload: unknown, type = 'application/json'): void => {
        recorded.status = status;
        const out = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
        res.writeHead(status, { 'content-type': type, 'content-length': out.length }).end(out);
      };
      if (req.headers.authorization !== `Bearer ${fake.token}`) {
        send(401, { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } });
        return;
      }
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] === 'files') {
        const file = media.get(parts[1] ?? '');
        if (!file) send(404, { error: { message: 'not found' } });
        else send(200, file.body, file.mimeType);
        return;
      }
      const last = parts[parts.length - 1];
      if (req.method === 'POST' && last === 'messages') {
        if (failures > 0) {
          failures--;
          send(500, { error: { message: 'An unknown error occurred', code: 1 } });
          return;
        }
        if (rejection) {
          const r = rejection;
          rejection = null;
          send(400, { error: { message: r.message, code: r.code, error_data: { messaging_product: 'whatsapp', details: r.details } } });
          return;
        }
        const to = (json as { to?: string }).to;
        send(200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.OUT${nextId++}` }] });
        return;
      }
      if (req.method === 'POST' && last === 'media') {
        if (uploadFailures > 0) {
          uploadFailures--;
          send(500, { error: { message: 'An unknown error occurred', code: 1 } });
          return;
        }
        send(200, { id: `upload-${nextId++}` });
        return;
      }
      if (req.method === 'GET' && parts.length === 2 && fake.expired.has(parts[1] ?? '')) {
        send(400, { error: { message: 'Unsupported get request. Object does not exist', type: 'GraphMethodException', code: 100 } });
        return;
      }
      if (req.method === 'GET' && parts.length === 2) {
        // GET /vNN.N/<media_id> or /vNN.N/<phone_number_id>
        const file = media.get(parts[1] ?? '');
        if (file) {
          send(200, { url: `${baseUrl.replace(/\/v[\d.]+$/, '')}/files/${parts[1]}`, mime_type: file.mimeType, sha256: 'x', file_size: file.declaredSize ?? file.body.length, id: parts[1] });
          return;
        }
        send(200, { id: parts[1] });
        return;
      }
      send(404, { error: { message: 'Unknown path' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v21.0`;
  return fake;
}
