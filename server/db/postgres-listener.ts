import type pg from 'pg';
import type { Logger } from '../logger.js';
import type { PostgresDatabase } from './postgres.js';
import { sessionClient } from './session-client.js';

type Handler = (payload: string) => void;

const BASE_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;

/** A channel name we made ourselves; LISTEN takes no bind parameter. */
function identifier(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
  return channel;
}

/**
 * One dedicated connection LISTENing for every channel this process follows. A dropped
 * connection is reopened with backoff; notifications sent meanwhile are gone, so `onReconnect`
 * listeners catch up from the database.
 */
export class PostgresListener {
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #reconnected = new Set<() => void>();
  #client: pg.Client | null = null;
  #closed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | null = null;
  #ready: Promise<void> | null = null;
  #turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly database: PostgresDatabase,
    private readonly logger: Logger,
  ) {}

  /** Resolves once LISTEN runs on every channel registered so far. */
  start(): Promise<void> {
    this.#ready ??= this.#connect(false);
    return this.#ready;
  }

  async listen(channel: string, handler: Handler): Promise<void> {
    let set = this.#handlers.get(channel);
    if (!set) {
      this.#handlers.set(channel, (set = new Set()));
      const client = this.#client;
      if (client) await this.#inTurn(() => client.query(`listen ${identifier(channel)}`));
    }
    set.add(handler);
  }

  /**
   * Runs one statement on the listen connection after the ones before it: modules register their
   * channels at the same moment, and pg deprecates (and warns on stderr about) a second query on a
   * client that is still running one.
   */
  #inTurn<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#turn.then(run);
    this.#turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  onReconnect(fn: () => void): void {
    this.#reconnected.add(fn);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(again: boolean): Promise<void> {
    const client = sessionClient(this.database);
    client.on('notification', (n) => {
      for (const handler of this.#handlers.get(n.channel) ?? []) handler(n.payload ?? '');
    });
    client.on('end', () => {
      if (this.#client !== client) return;
      this.#client = null;
      this.#retry();
    });
    try {
      await client.connect();
      for (const channel of this.#handlers.keys()) await client.query(`listen ${identifier(channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!again) throw err;
      this.logger.warn({ err, attempt: this.#attempt }, 'listen connection failed');
      this.#retry();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#attempt = 0;
    if (again) {
      this.logger.info('listen connection restored');
      for (const fn of this.#reconnected) fn();
    }
  }

  #retry(): void {
    if (this.#closed) return;
    const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** this.#attempt++);
    this.#timer = setTimeout(() => void this.#connect(true), Math.round(delay * (0.8 + 0.4 * Math.random())));
    this.#timer.unref();
  }
}
