/** Node's socket errors when the server is gone or unreachable. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** PostgreSQL's: admin_shutdown, crash_shutdown, cannot_connect_now. Class 08 is any connection exception. */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);
/** pg's own errors carry no code, only these messages. */
const PG_MESSAGES = [/^Connection terminated/, /timeout exceeded when trying to connect/, /^Client has encountered a connection error/];

/**
 * Whether `err` (from a query, however deep it was wrapped) means the database could not be
 * reached, as opposed to a query it refused: those get 503 and a retry, not 500. A socket error
 * that names a port counts only when it is the database's (`databasePort`): a webhook or a
 * channel's API refusing a connection is not the database going away, and neither is a failed
 * fetch.
 */
export function isConnectionLost(err: unknown, databasePort?: number): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof TypeError && e.message === 'fetch failed') return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    if (typeof code === 'string' && SOCKET_CODES.has(code)) {
      const port = (e as { port?: unknown }).port;
      return typeof port !== 'number' || databasePort === undefined || port === databasePort;
    }
    if (PG_MESSAGES.some((re) => re.test(e instanceof Error ? e.message : ''))) return true;
  }
  return false;
}

/** Where the watch says the database went and came back (a pino logger in the server). */
export interface WatchLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ConnectionWatchOptions {
  /** The first wait before probing again; it doubles after each failure up to maxDelayMs. */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Knows whether the database was reachable at last look. A connection error reported by a
 * request (or by the pool about an idle client) marks it down and starts one probe loop, with
 * exponential backoff, until a round trip succeeds. It logs once per change of state, not once per
 * failed query: during an outage every request fails, and the log should say so once.
 */
export class ConnectionWatch {
  #down: { since: number; lastError: string } | null = null;
  #probe: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #wake: (() => void) | null = null;
  #closed = false;
  readonly #first: number;
  readonly #max: number;

  constructor(
    private readonly ping: () => Promise<void>,
    private readonly logger: WatchLog | null,
    options: ConnectionWatchOptions = {},
  ) {
    this.#first = options.firstDelayMs ?? 250;
    this.#max = options.maxDelayMs ?? 10_000;
  }

  /** Null while reachable; else since when it is not, and the last error's message. */
  get down(): { since: number; lastError: string } | null {
    return this.#down;
  }

  /** A query failed; only a connection error counts. */
  failed(err: unknown): void {
    if (this.#closed || !isConnectionLost(err)) return;
    const message = err instanceof Error ? err.message : String(err);
    if (this.#down) {
      this.#down.lastError = message;
      return;
    }
    this.#down = { since: Date.now(), lastError: message };
    this.logger?.warn({ err }, 'database connection lost; requests get 503 until it is back');
    this.#probe = this.#loop();
  }

  async #loop(): Promise<void> {
    let delay = this.#first;
    while (this.#down && !this.#closed) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        this.#timer = setTimeout(resolve, delay);
        this.#timer.unref();
      });
      if (this.#closed) return;
      try {
        await this.ping();
        const downMs = this.#down ? Date.now() - this.#down.since : 0;
        this.#down = null;
        this.logger?.info({ downMs }, 'database connection is back');
      } catch (err) {
        if (this.#down) this.#down.lastError = err instanceof Error ? err.message : String(err);
        delay = Math.min(delay * 2, this.#max);
      }
    }
  }

  /** Resolves once a probe under way has ended (tests; shutdown). */
  async settled(): Promise<void> {
    await this.#probe;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#probe;
  }
}
