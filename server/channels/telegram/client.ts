import { unreachable } from '../kit/fetch-error.js';
import type { TelegramChannelConfig } from './config-schema.js';

const CALL_TIMEOUT_MS = 20_000;

/** Telegram answered `ok: false`: its error_code and description, and how long to wait on 429. */
export class TelegramApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(`Telegram ${code}: ${description}`);
    this.name = 'TelegramApiError';
  }
}

interface Envelope {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown };
}

/** The Bot API of one bot, at a configurable base URL: `<base>/bot<token>/<method>`. */
export class TelegramClient {
  constructor(private readonly channel: Pick<TelegramChannelConfig, 'bot_token' | 'api_base_url'>) {}

  /** A JSON call; resolves with `result`, throws TelegramApiError on `ok: false`. */
  call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.#send<T>(method, { 'content-type': 'application/json' }, JSON.stringify(params));
  }

  /** A multipart call, for uploading files (sendPhoto, sendDocument). */
  upload<T>(method: string, form: FormData): Promise<T> {
    return this.#send<T>(method, {}, form);
  }

  /** Where getFile's `file_path` is downloaded from; holds the token, so never logged. */
  fileUrl(filePath: string): string {
    return `${this.channel.api_base_url}/file/bot${this.channel.bot_token}/${filePath}`;
  }

  async #send<T>(method: string, headers: Record<string, string>, body: string | FormData): Promise<T> {
    const res = await fetch(`${this.channel.api_base_url}/bot${this.channel.bot_token}/${method}`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    }).catch((err: unknown) => {
      throw unreachable('Telegram', err);
    });
    const envelope = (await res.json().catch(() => null)) as Envelope | null;
    if (envelope?.ok === true) return envelope.result as T;
    const code = typeof envelope?.error_code === 'number' ? envelope.error_code : res.status;
    const description = typeof envelope?.description === 'string' ? envelope.description : `HTTP ${res.status}`;
    const retryAfter = envelope?.parameters?.retry_after;
    throw new TelegramApiError(code, description, typeof retryAfter === 'number' ? retryAfter : null);
  }
}
