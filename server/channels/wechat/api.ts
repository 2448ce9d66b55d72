import type { AnyDatabase } from '../../db/postgres.js';
import { now } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import { apiBase, type WechatChannelConfig } from './config-schema.js';
import { downloadMedia, readBounded, skippedMedia, type MediaResult } from '../kit/media.js';
import { TOKEN_ERRCODES, WechatApiError } from './errcodes.js';

/** Refresh this long before WeChat's stated expiry, so no call carries a token that lapses on the way. */
const EARLY_REFRESH_MS = 5 * 60_000;
const TIMEOUT_MS = 10_000;

export interface WechatMedia {
  content: Buffer;
  contentType: string;
  filename: string;
}

interface ApiAnswer {
  errcode?: number;
  errmsg?: string;
  [key: string]: unknown;
}

/**
 * One channel's calls to WeChat or WeCom: the access_token (kept in the database so every process
 * and a restart share it; refreshed by one caller at a time), and a retry with a fresh token when
 * WeChat says the one used is no longer valid.
 */
export class WechatApi {
  readonly #base: string;
  #token: { value: string; expiresAt: number } | null = null;
  #refreshing: Promise<string> | null = null;
  /** How many token requests went to WeChat; /readyz and tests read it. */
  tokenFetches = 0;

  constructor(
    readonly channel: WechatChannelConfig,
    private readonly database: AnyDatabase,
    private readonly log: Logger,
  ) {
    this.#base = apiBase(channel);
  }

  /** A valid token: from memory, else from the database, else fetched (once, however many callers wait). */
  async accessToken(): Promise<string> {
    const t = this.#token;
    if (t && now() < t.expiresAt - EARLY_REFRESH_MS) return t.value;
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** WeChat refused `stale`: fetch a new one unless someone already did. */
  async #replace(stale: string): Promise<string> {
    if (this.#token && this.#token.value !== stale) return this.accessToken();
    this.#token = null;
    this.#refreshing ??= this.#refresh(stale).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** `stale`: the token WeChat just refused; another process may already have stored its successor. */
  async #refresh(stale?: string): Promise<string> {
    const db = this.database.db;
    const row = await db.selectFrom('wechat_tokens').selectAll().where('channel_name', '=', this.channel.name).executeTakeFirst();
    if (row && row.access_token !== stale && now() < row.expires_at - EARLY_REFRESH_MS) {
      this.#token = { value: row.access_token, expiresAt: row.expires_at };
      return row.access_token;
    }
    this.tokenFetches++;
    const answer =
      this.channel.kind === 'wecom_kf'
        ? await this.#request('GET', `/cgi-bin/gettoken?corpid=${enc(this.channel.corp_id)}&corpsecret=${enc(this.channel.secret)}`)
        : await this.#request(
            'GET',
            `/cgi-bin/token?grant_type=client_credential&appid=${enc(this.channel.app_id)}&secret=${enc(this.channel.app_secret)}`,
          );
    const value = answer.access_token;
    const expiresIn = Number(answer.expires_in ?? 7200);
    if (typeof value !== 'string' || value === '') throw new Error('WeChat token endpoint answered without an access_token');
    const at = now();
    const expiresAt = at + Math.max(60, expiresIn) * 1000;
    await db
      .insertInto('wechat_tokens')
      .values({ channel_name: this.channel.name, access_token: value, expires_at: expiresAt, fetched_at: at })
      .onConflict((oc) => oc.column('channel_name').doUpdateSet({ access_token: value, expires_at: expiresAt, fetched_at: at }))
      .execute();
    this.#token = { value, expiresAt };
    this.log.info({ channel: this.channel.name }, 'wechat access_token fetched');
    return value;
  }

  /** POSTs JSON to an API path with the token; a refused token is replaced and the call made once more. */
  async call(path: string, body: unknown): Promise<ApiAnswer> {
    return this.#withToken(path, (token) => this.#request('POST', withToken(path, token), JSON.stringify(body)));
  }

  async uploadMedia(type: 'image' | 'voice' | 'video' | 'file', file: WechatMedia): Promise<string> {
    const path = '/cgi-bin/media/upload';
    const answer = await this.#withToken(path, (token) => {
      const form = new FormData();
      // A Buffer is a Uint8Array over an ArrayBuffer here; the cast only tells the DOM typings so.
      form.append('media', new Blob([file.content as Uint8Array<ArrayBuffer>], { type: file.contentType }), file.filename);
      return this.#request('POST', `${withToken(path, token)}&type=${type}`, form);
    });
    if (typeof answer.media_id !== 'string') throw new Error('WeChat media/upload answered without a media_id');
    return answer.media_id;
  }

  /**
   * Downloads a customer's media (image, voice, video) by its MediaId, reading at most `maxBytes`.
   * `name` is the file's name unless WeChat serves one with an extension. A file WeChat will not
   * hand over is skipped with its reason; a token it refuses is replaced once.
   */
  async getMedia(mediaId: string, name: string, maxBytes: number): Promise<MediaResult> {
    const path = '/cgi-bin/media/get';
    let attempt = 0;
    for (;;) {
      const token = await this.accessToken();
      const res = await fetch(`${this.#base}${withToken(path, token)}&media_id=${enc(mediaId)}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const type = res.headers.get('content-type') ?? 'application/octet-stream';
      const read = await readBounded(res, maxBytes);
      if (read.kind === 'too_large') return skippedMedia(name, read.size, 'too_large');
      // Errors come back as JSON with a 200; media comes as the file itself.
      if (type.includes('json') || type.startsWith('text/plain')) {
        const answer = JSON.parse(read.content.toString('utf8')) as ApiAnswer;
        const code = answer.errcode ?? 0;
        if (code !== 0) {
          if (TOKEN_ERRCODES.has(code) && attempt++ === 0) {
            await this.#replace(token);
            continue;
          }
          throw new WechatApiError(code, answer.errmsg ?? '', path);
        }
        // A customer's video is not served here: WeChat answers with where to download it.
        if (typeof answer.video_url === 'string') return downloadMedia({ url: answer.video_url, filename: `${mediaId}.mp4` }, maxBytes);
      }
      if (!res.ok) throw new Error(`WeChat media/get answered HTTP ${res.status}`);
      const served = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? '';
      const filename = served.includes('.') ? served : name;
      return { kind: 'stored', attachment: { filename, contentType: type.split(';')[0]?.trim() ?? type, content: read.content } };
    }
  }

  async #withToken(path: string, run: (token: string) => Promise<ApiAnswer>): Promise<ApiAnswer> {
    const token = await this.accessToken();
    try {
      return await run(token);
    } catch (err) {
      if (!(err instanceof WechatApiError) || !TOKEN_ERRCODES.has(err.errcode)) throw err;
      this.log.info({ channel: this.channel.name, errcode: err.errcode, path }, 'wechat refused the access_token; fetching a new one');
      return run(await this.#replace(token));
    }
  }

  async #request(method: 'GET' | 'POST', pathAndQuery: string, body?: string | FormData): Promise<ApiAnswer> {
    const path = pathAndQuery.split('?')[0] ?? pathAndQuery;
    const res = await fetch(`${this.#base}${pathAndQuery}`, {
      method,
      body,
      headers: typeof body === 'string' ? { 'content-type': 'application/json' } : undefined,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`WeChat ${path} answered HTTP ${res.status}`);
    const answer = (await res.json()) as ApiAnswer;
    const code = Number(answer.errcode ?? 0);
    if (code !== 0) throw new WechatApiError(code, String(answer.errmsg ?? ''), path);
    return answer;
  }
}

const enc = (v: string | undefined): string => encodeURIComponent(v ?? '');
const withToken = (path: string, token: string): string => `${path}${path.includes('?') ? '&' : '?'}access_token=${enc(token)}`;
