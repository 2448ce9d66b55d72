import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WechatCipher, wechatSignature } from '../../server/channels/wechat/crypto.js';
import { cdata } from '../../server/channels/wechat/xml.js';

/** One call the fake API received, with its parsed JSON body (or the raw bytes of an upload). */
export interface FakeCall {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  raw: Buffer;
}

export interface FakeKfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time?: number;
  origin: number;
  msgtype: string;
  [key: string]: unknown;
}

export interface FakeWechat {
  url: string;
  appId: string;
  appSecret: string;
  /** Every call except the token endpoint, in order. */
  calls: FakeCall[];
  tokenCalls: number;
  /** Files customers sent, served by media/get. */
  media: Map<string, { content: Buffer; contentType: string }>;
  /** Per open_kfid, the messages kf/sync_msg hands out in order; the cursor is the position. */
  kfMessages: Map<string, FakeKfMessage[]>;
  customers: Map<string, string>;
  /** The next calls to `path` answer these errcodes, one each. */
  failNext(path: string, ...errcodes: number[]): void;
  /** Every token handed out so far stops working (another system fetched one, the secret changed). */
  revokeTokens(): void;
  /** The token endpoint refuses (a wrong AppSecret): errcode 40125 until cleared. */
  refuseTokens(refuse: boolean): void;
  callsTo(path: string): FakeCall[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for api.weixin.qq.com and qyapi.weixin.qq.com on real node:http, speaking
 * their documented shapes: tokens that can be revoked, errcodes with a 200 like the real thing.
 */
export async function startFakeWechat(opts: { appId?: string; appSecret?: string } = {}): Promise<FakeWechat> {
  const appId = opts.appId ?? 'wx5823bf96d3bd56c7';
  const appSecret = opts.appSecret ?? 'test-app-secret';
  const valid = new Set<string>();
  const failures = new Map<string, number[]>();
  let refuse = false;
  let seq = 0;
  const fake: Omit<FakeWechat, 'url' | 'close'> = {
    appId,
    appSecret,
    calls: [],
    tokenCalls: 0,
    media: new Map(),
    kfMessages: new Map(),
    customers: new Map(),
    failNext(path, ...codes) {
      failures.set(path, [...(failures.get(path) ?? []), ...codes]);
    },
    revokeTokens() {
      valid.clear();
    },
    refuseTokens(r) {
      refuse = r;
    },
    callsTo(path) {
      return fake.calls.filter((c) => c.path === path);
    },
  };

  let port = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const raw = Buffer.concat(chunks);
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(value));
      };
      if (u.pathname.startsWith('/video/')) {
        const file = fake.media.get(decodeURIComponent(u.pathname.slice('/video/'.length)));
        res.writeHead(file ? 200 : 404, { 'content-type': file?.contentType ?? 'text/plain' });
        return res.end(file?.content ?? 'not found');
      }
      if (u.pathname === '/cgi-bin/token' || u.pathname === '/cgi-bin/gettoken') {
        fake.tokenCalls++;
        const id = u.searchParams.get('appid') ?? u.searchParams.get('corpid');
        const secret = u.searchParams.get('secret') ?? u.searchParams.get('corpsecret');
        if (refuse || id !== appId || secret !== appSecret) return json(200, { errcode: 40125, errmsg: 'invalid appsecret' });
        const token = `TOKEN_${++seq}_${randomBytes(6).toString('hex')}`;
        valid.add(token);
        return json(200, { access_token: token, expires_in: 7200 });
      }
      const token = u.searchParams.get('access_token') ?? '';
      let body: Record<string, unknown> = {};
      const type = req.headers['content-type'] ?? '';
      if (type.includes('json') && raw.length > 0) body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      fake.calls.push({ path: u.pathname, query: u.searchParams, body, raw });
      if (!valid.has(token)) return json(200, { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      const queued = failures.get(u.pathname);
      const code = queued?.shift();
      if (code !== undefined) return json(200, { errcode: code, errmsg: `fake error ${code}` });
      switch (u.pathname) {
        case '/cgi-bin/media/get': {
          const id = u.searchParams.get('media_id') ?? '';
          const file = fake.media.get(id);
          if (!file) return json(200, { errcode: 40007, errmsg: 'invalid media_id' });
          // Videos are not served by media/get: it answers where to download them, as WeChat does.
          if (file.contentType.startsWith('video/')) return json(200, { video_url: `http://127.0.0.1:${port}/video/${encodeURIComponent(id)}` });
          res.writeHead(200, { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${u.searchParams.get('media_id')}.jpg"` });
          return res.end(file.content);
        }
        case '/cgi-bin/media/upload':
          return json(200, { type: u.searchParams.get('type'), media_id: `MEDIA_${++seq}`, created_at: Math.floor(Date.now() / 1000) });
        case '/cgi-bin/kf/sync_msg': {
          const list = fake.kfMessages.get(String(body.open_kfid)) ?? [];
          const from = Number(body.cursor ?? 0);
          const limit = Math.min(1000, Number(body.limit ?? 1000));
          const page = list.slice(from, from + limit);
          return json(200, { errcode: 0, errmsg: 'ok', next_cursor: String(from + page.length), has_more: from + page.length < list.length ? 1 : 0, msg_list: page });
        }
        case '/cgi-bin/kf/customer/batchget': {
          const ids = (body.external_userid_list as string[] | undefined) ?? [];
          const customer_list = ids.filter((id) => fake.customers.has(id)).map((id) => ({ external_userid: id, nickname: fake.customers.get(id), avatar: '' }));
          return json(200, { errcode: 0, errmsg: 'ok', customer_list, invalid_external_userid: [] });
        }
        case '/cgi-bin/kf/send_msg':
          return json(200, { errcode: 0, errmsg: 'ok', msgid: `kfmsg_${++seq}` });
        default:
          return json(200, { errcode: 0, errmsg: 'ok' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export type PushMode = 'plain' | 'compatible' | 'safe';

/** A push's XML: `<xml>` with each field in CDATA, numbers bare, as WeChat writes them. */
export function pushXml(fields: Record<string, string | number>): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('')}</xml>`;
}

/**
 * The query string and body WeChat would POST for `fields` in the given mode: signed with the
 * token; in compatible and safe mode encrypted with the EncodingAESKey for `receiverId`.
 */
export function signedPush(
  channel: { token: string; encodingAesKey?: string; receiverId: string },
  fields: Record<string, string | number>,
  mode: PushMode,
  at = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: String(Math.floor(Math.random() * 1e9)) },
): { query: string; body: string } {
  const { timestamp, nonce } = at;
  const signature = wechatSignature(channel.token, timestamp, nonce);
  const plain = pushXml(fields);
  if (mode === 'plain') return { query: new URLSearchParams({ signature, timestamp, nonce, openid: String(fields.FromUserName ?? '') }).toString(), body: plain };
  const cipher = new WechatCipher(channel.encodingAesKey ?? '', channel.receiverId);
  const encrypt = cipher.encrypt(plain);
  const msgSignature = wechatSignature(channel.token, timestamp, nonce, encrypt);
  const outer =
    mode === 'safe'
      ? `<xml><ToUserName>${cdata(String(fields.ToUserName ?? ''))}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt></xml>`
      : `${plain.slice(0, -'</xml>'.length)}<Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
  const query = new URLSearchParams({ signature, timestamp, nonce, openid: String(fields.FromUserName ?? ''), encrypt_type: 'aes', msg_signature: msgSignature });
  return { query: query.toString(), body: outer };
}
