import type { PostgresDatabase } from '../../db/postgres.js';
import { now } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import type { Outbox } from '../../outbox/outbox.js';
import type { EventBus } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { outgoingEvents, type OutgoingEvent } from './events.js';
import type { WebhookEvents } from './fanout.js';
import { queueDelivery } from './queries.js';

/** How long the set of subscribed event names is trusted before it is read again (another process may change webhooks). */
export const WANTED_TTL_MS = 2_000;

/**
 * The fan-out on PostgreSQL: like WebhookFanout, events are queued on the request's commit and
 * their deliveries written on a later turn, one transaction per event through the pool.
 */
export class PostgresWebhookFanout implements WebhookEvents {
  readonly #pending: OutgoingEvent[] = [];
  #run: Promise<void> | null = null;
  #wanted: { names: Set<string>; at: number } | null = null;
  #reading: Promise<void> | null = null;
  #generation = 0;

  constructor(private readonly deps: { database: PostgresDatabase; bus: EventBus<KefuEvent>; outbox: Outbox; logger: Logger }) {}

  start(): () => void {
    void this.#readWanted();
    return this.deps.bus.on('*', (e) => this.handle(e));
  }

  async changed(): Promise<void> {
    // A read already under way may have begun before the change committed: it is not kept.
    this.#generation++;
    this.#wanted = null;
    while (this.#reading) await this.#reading;
    await this.#readWanted();
  }

  get busy(): boolean {
    return this.#run !== null;
  }

  /**
   * An event nobody subscribes to costs no transaction while the set of wanted names is fresh; with
   * a stale one it is queued and the drain decides, after reading the set again.
   */
  handle(e: KefuEvent): void {
    const fresh = this.#wanted && Date.now() - this.#wanted.at < WANTED_TTL_MS ? this.#wanted.names : null;
    const items = outgoingEvents(e, now()).filter((item) => fresh === null || fresh.has(item.event));
    if (items.length === 0) return;
    this.#pending.push(...items);
    this.#run ??= this.#drain();
  }

  async idle(): Promise<void> {
    while (this.#run) await this.#run;
  }

  async #readWanted(): Promise<Set<string>> {
    const fresh = this.#wanted && Date.now() - this.#wanted.at < WANTED_TTL_MS ? this.#wanted.names : null;
    if (fresh) return fresh;
    this.#reading ??= (async () => {
      const generation = this.#generation;
      const at = Date.now();
      const rows = await this.deps.database.db.selectFrom('webhooks').select('events').execute();
      if (generation === this.#generation) this.#wanted = { names: new Set(rows.flatMap((w) => JSON.parse(w.events) as string[])), at };
    })().finally(() => {
      this.#reading = null;
    });
    await this.#reading;
    return this.#wanted?.names ?? new Set();
  }

  async #drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      let queued = 0;
      while (this.#pending.length > 0) {
        const item = this.#pending.shift();
        if (!item) break;
        try {
          if (!(await this.#readWanted()).has(item.event)) continue;
          queued += await this.deps.database.transaction(async (tx) => {
            const subscribers = await tx.selectFrom('webhooks').select(['id', 'events']).where('enabled', '=', 1).execute();
            const ids = subscribers.filter((w) => (JSON.parse(w.events) as string[]).includes(item.event)).map((w) => w.id);
            for (const id of ids) await queueDelivery(tx, id, item.event, item.data, item.at);
            return ids.length;
          });
        } catch (err) {
          this.deps.logger.error({ err, event: item.event, subsystem: 'webhooks' }, 'webhook fan-out failed');
        }
      }
      if (queued > 0) this.deps.outbox.nudge();
    } finally {
      this.#run = null;
    }
  }
}
