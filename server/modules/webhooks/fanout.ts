import { now, type Database } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import type { Outbox } from '../../outbox/outbox.js';
import type { EventBus } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { outgoingEvents, type OutgoingEvent } from './events.js';
import { queueDelivery } from './queries.js';
import type { WebhookEvent } from './schemas.js';

/**
 * Turns domain events into deliveries. The bus calls `handle` inside the emitting request's commit
 * callback, so it only appends to a list; the writes (one small transaction per event, a delivery
 * and an outbox row per subscriber) run on a later turn of the event loop, off that request's path.
 * An event still in the list when the process dies is not delivered, as with the other subscribers.
 */
export class WebhookFanout {
  readonly #pending: OutgoingEvent[] = [];
  #run: Promise<void> | null = null;
  readonly #subscribers: () => Array<{ id: number; events: string }>;

  constructor(private readonly deps: { database: Database; bus: EventBus<KefuEvent>; outbox: Outbox; logger: Logger }) {
    const stmt = deps.database.sqlite.prepare<[], { id: number; events: string }>('select id, events from webhooks where enabled = 1');
    this.#subscribers = () => stmt.all();
  }

  start(): () => void {
    return this.deps.bus.on('*', (e) => this.handle(e));
  }

  handle(e: KefuEvent): void {
    const items = outgoingEvents(e, now());
    if (items.length === 0) return;
    this.#pending.push(...items);
    this.#run ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#drain());
  }

  /** Resolves once every event handed over so far has its deliveries written. */
  async idle(): Promise<void> {
    while (this.#run) await this.#run;
  }

  async #drain(): Promise<void> {
    try {
      for (let item = this.#pending.shift(); item; item = this.#pending.shift()) {
        await this.#write(item).catch((err: unknown) => this.deps.logger.error({ err, event: item?.event, subsystem: 'webhooks' }, 'webhook fan-out failed'));
      }
    } finally {
      this.#run = null;
    }
  }

  async #write(item: OutgoingEvent): Promise<void> {
    const ids = this.#subscribers()
      .filter((w) => (JSON.parse(w.events) as WebhookEvent[]).includes(item.event))
      .map((w) => w.id);
    if (ids.length === 0) return;
    await this.deps.database.transaction(async (tx, onCommit) => {
      // Again inside the transaction: a webhook deleted or turned off since the first look gets nothing.
      const live = await tx.selectFrom('webhooks').select('id').where('id', 'in', ids).where('enabled', '=', 1).execute();
      for (const { id } of live) await queueDelivery(tx, id, item.event, item.data, item.at);
      onCommit(() => this.deps.outbox.nudge());
    });
  }
}
