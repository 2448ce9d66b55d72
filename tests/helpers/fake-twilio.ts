import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TwilioRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: Record<string, string>;
}

export interface FakeTwilio {
  /** The api_base_url to configure. */
  baseUrl: string;
  requests: TwilioRequest[];
  /** Form bodies POSTed to the Messages resource. */
  sent(): Array<Record<string, string>>;
  /** MMS media served at `${baseUrl}/media/<id>`, behind the account's Basic auth. */
  media: Map<string, { body: Buffer; type: string }>;
  failNext(n: number): void;
  rejectNext(error: { code: number; message: string }): void;
  close(): Promise<void>;
}

/** A loopback Twilio REST API (2010-04-01 Messages and Accounts), checking Basic auth. */
export async function startFakeTwilio(accountSid: string, authToken: string): Promise<FakeTwilio> {
  const requests: TwilioRequest[] = [];
  const media = new Map<string, { body: Buffer; type: string }>();
  let failures = 0;
  let rejection: { code: number; message: string } | null = null;
  let nextId = 1;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  let baseUrl = '';
  const fake: FakeTwilio = {
    get baseUrl() {
      return baseUrl;
    },
    requests,
    media,
    sent: () => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).map((r) => r.form),
    failNext(n) {
      failures = n;
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
      const url = new URL(req.url ?? '/', 'http://fake');
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      requests.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, form });
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      };
      if (req.headers.authorization !== expectedAuth) {
        json(401, { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
        return;
      }
      if (url.pathname.startsWith('/media/')) {
        const file = media.get(url.pathname.slice('/media/'.length));
        if (!file) json(404, { code: 20404, message: 'not found' });
        else res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
        return;
      }
      const account = `/2010-04-01/Accounts/${accountSid}`;
      if (req.method === 'GET' && url.pathname === `${account}.json`) {
        json(200, { sid: accountSid, status: 'active' });
        return;
      }
      if (req.method === 'POST' && url.pathname === `${account}/Messages.json`) {
        if (failures > 0) {
          failures--;
          json(500, { code: 20500, message: 'Internal Server Error', status: 500 });
          return;
        }
        if (rejection) {
          const r = rejection;
          rejection = null;
          json(400, { code: r.code, message: r.message, more_info: `https://www.twilio.com/docs/errors/${r.code}`, status: 400 });
          return;
        }
        const sid = `SM${String(nextId++).padStart(32, '0')}`;
        json(201, { sid, status: 'queued', to: form.To, from: form.From ?? null, body: form.Body });
        return;
      }
      json(404, { code: 20404, message: 'The requested resource was not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
