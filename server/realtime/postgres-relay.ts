import { randomUUID } from 'node:crypto';
import type { PostgresDatabase } from '../db/postgres.js';
import type { PostgresListener } from '../db/postgres-listener.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import type { KefuEvent } from './events.js';

const CHANNEL = 'kefu_events';
/** NOTIFY takes payloads under 8000 bytes; a little is kept for the origin prefix and headroom. */
export const NOTIFY_PAYLOAD_LIMIT = 7_900;
/** A large event's row is read by every process within moments; a minute is ample. */
const RELAY_ROW_TTL_MS = 60_000;

/**
 * Sends every event of this process's bus to the other processes on the same PostgreSQL
 * database, and hands theirs to this bus's websocket subscribers (EventBus.emitPeer).
 * A message is `<origin>:<event JSON>`, or `<origin>#<id>` for an event too large for NOTIFY,
 * whose JSON waits in realtime_relay. Sends go out one after another so every process sees
 * one process's events in the order they happened.
 */
export class PostgresEventRelay {
  readonly origin = randomUUID();
  #off: (() => void) | null = null;
  #sending: Promise<void> = Promise.resolve();
  #receiving: Promise<void> = Promise.resolve();
  #prune: NodeJS.Timeout | null = null;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly bus: EventBus<KefuEvent>,
    private readonly listener: PostgresListener,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.listener.listen(CHANNEL, (message) => this.#received(message));
    this.#off = this.bus.on('*', (event) => this.#publish(event));
    this.#prune = setInterval(() => {
      this.database.db
        .deleteFrom('realtime_relay')
        .where('created_at', '<', Date.now() - RELAY_ROW_TTL_MS)
        .execute()
        .catch((err: unknown) => this.logger.warn({ err }, 'pruning relayed events failed'));
    }, RELAY_ROW_TTL_MS);
    this.#prune.unref();
  }

  /** Waits for the sends under way (shutdown, tests). */
  async idle(): Promise<void> {
    await this.#sending;
  }

  async stop(): Promise<void> {
    this.#off?.();
    if (this.#prune) clearInterval(this.#prune);
    await this.#sending;
    await this.#receiving;
  }

  #publish(event: KefuEvent): void {
    const json = JSON.stringify(event);
    this.#sending = this.#sending
      .then(() => this.#send(json))
      .catch((err: unknown) => this.logger.error({ err, event: event.type }, 'relaying an event failed'));
  }

  async #send(json: string): Promise<void> {
    const inline = `${this.origin}:${json}`;
    if (Buffer.byteLength(inline) <= NOTIFY_PAYLOAD_LIMIT) {
      await this.database.pool.query('select pg_notify($1, $2)', [CHANNEL, inline]);
      return;
    }
    await this.database.pool.query(
      `with r as (insert into realtime_relay (payload, created_at) values ($2, $3) returning id)
       select pg_notify($1, $4 || '#' || r.id) from r`,
      [CHANNEL, json, Date.now(), this.origin],
    );
  }

  #received(message: string): void {
    const cut = message.search(/[:#]/);
    if (cut < 0 || message.slice(0, cut) === this.origin) return;
    // In order: a large event read by id must not be overtaken by the small ones after it.
    this.#receiving = this.#receiving
      .then(async () => {
        const json = message[cut] === ':' ? message.slice(cut + 1) : await this.#fetch(Number(message.slice(cut + 1)));
        if (json !== null) this.bus.emitPeer(JSON.parse(json) as KefuEvent);
      })
      .catch((err: unknown) => this.logger.error({ err }, 'a relayed event could not be read'));
  }

  async #fetch(id: number): Promise<string | null> {
    const row = await this.database.db.selectFrom('realtime_relay').select('payload').where('id', '=', id).executeTakeFirst();
    return row?.payload ?? null;
  }
}
