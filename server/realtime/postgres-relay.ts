import { randomUUID } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { PostgresDatabase } from '../db/postgres.js';
import type { PostgresListener } from '../db/postgres-listener.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import type { KefuEvent } from './events.js';
import { SerialBatchWriter } from './serial-batch-writer.js';

const CHANNEL = 'kefu_events';
/** NOTIFY takes payloads under 8000 bytes; a little is kept for the origin prefix and headroom. */
export const NOTIFY_PAYLOAD_LIMIT = 7_900;
/** A large event's row is read by every process within moments; a minute is ample. */
const RELAY_ROW_TTL_MS = 60_000;
/**
 * Sends the events of this process's bus to the other processes on the same PostgreSQL
 * database, and hands theirs to this bus's websocket subscribers (EventBus.emitPeer).
 * A message is `<origin>:<event JSON>`, or `<origin>#<id>` for an event too large for NOTIFY,
 * whose JSON waits in realtime_relay. Sends go out one after another, each with every event
 * published since the last, so every process sees one process's events in the order they happened.
 * Events another channel carries to the other processes (the agent hub's journal, see `leave`) are
 * not sent here: each event crosses once.
 */
export class PostgresEventRelay {
  readonly origin = randomUUID();
  #off: (() => void) | null = null;
  /** `<origin>:<event JSON>` of events published here. */
  readonly #sends: SerialBatchWriter<string>;
  #carriedElsewhere: ((event: KefuEvent) => boolean) | null = null;
  #receiving: Promise<void> = Promise.resolve();
  #prune: NodeJS.Timeout | null = null;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly bus: EventBus<KefuEvent>,
    private readonly listener: PostgresListener,
    private readonly logger: Logger,
  ) {
    this.#sends = new SerialBatchWriter(
      (batch) => this.#send(batch),
      (err: unknown) => this.logger.error({ err }, 'relaying events failed'),
    );
  }

  /**
   * Stops sending the events `carried` picks: another channel takes them to the other processes
   * and hands them to their bus. Returns the undoing.
   */
  leave(carried: (event: KefuEvent) => boolean): () => void {
    this.#carriedElsewhere = carried;
    return () => {
      if (this.#carriedElsewhere === carried) this.#carriedElsewhere = null;
    };
  }

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
    await this.#sends.idle();
  }

  async stop(): Promise<void> {
    this.#off?.();
    if (this.#prune) clearInterval(this.#prune);
    await this.#sends.idle();
    await this.#receiving;
  }

  #publish(event: KefuEvent): void {
    if (this.#carriedElsewhere?.(event)) return;
    this.#sends.push(`${this.origin}:${JSON.stringify(event)}`);
  }

  async #send(batch: string[]): Promise<void> {
    // In order: the small events before a large one in one statement, the large one alone.
    let small: string[] = [];
    for (const message of batch) {
      if (Buffer.byteLength(message) <= NOTIFY_PAYLOAD_LIMIT) {
        small.push(message);
        continue;
      }
      await this.#notify(small);
      small = [];
      await this.database.pool.query(
        `with r as (insert into realtime_relay (payload, created_at) values ($2, $3) returning id)
         select pg_notify($1, $4 || '#' || r.id) from r`,
        [CHANNEL, message.slice(this.origin.length + 1), Date.now(), this.origin],
      );
    }
    await this.#notify(small);
  }

  async #notify(messages: string[]): Promise<void> {
    if (messages.length === 0) return;
    // unnest yields the array in its order, and NOTIFYs of one transaction arrive in the order sent.
    await this.database.db.executeQuery(CompiledQuery.raw('select pg_notify($1, m) from unnest($2::text[]) as m', [CHANNEL, messages]));
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
