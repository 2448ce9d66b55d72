import { randomUUID } from 'node:crypto';
import type SqliteDatabase from 'better-sqlite3';
import { now, type Database } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import type { Outbox } from '../../outbox/outbox.js';
import { prepareEnqueue } from '../../outbox/queue.js';
import type { EventBus } from '../../realtime/bus.js';
import type { KefuEvent } from '../../realtime/events.js';
import { outgoingEvents, type OutgoingEvent } from './events.js';
import { DELIVERY_KIND, payloadBody } from './queries.js';
import type { WebhookEvent } from './schemas.js';

/**
 * Turns domain events into deliveries. The bus calls `handle` inside the emitting request's commit
 * callback, so it only appends to a list; the writes (one small transaction per event, a delivery
 * and an outbox row per subscriber) run on a later turn of the event loop, off that request's path.
 * They are prepared statements in one synchronous transaction (a fraction of a millisecond for 20
 * subscribers), so they never hold the connection across an await while requests queue behind them.
 * An event still in the list when the process dies is not delivered, as with the other subscribers.
 */
/** What the rest of the server holds of the fan-out, on either driver. */
export interface WebhookEvents {
  /** Subscribes to the bus; returns the unsubscribe. */
  start(): () => void;
  /**
   * Webhooks were created, changed or deleted in this process. Settles once the next event is
   * judged by the new webhooks (at once on SQLite; on PostgreSQL once they are read again).
   */
  changed(): void | Promise<void>;
  /** True while handed-over events still wait for their deliveries to be written. */
  readonly busy: boolean;
  handle(e: KefuEvent): void;
  /** Resolves once every event handed over so far has its deliveries written. */
  idle(): Promise<void>;
}

export class WebhookFanout implements WebhookEvents {
  readonly #pending: OutgoingEvent[] = [];
  #run: Promise<void> | null = null;
  /** better-sqlite3 transaction; called as .immediate so the write lock is taken up front. */
  readonly #write: SqliteDatabase.Transaction<(item: OutgoingEvent) => number>;
  /**
   * Every event name some webhook (enabled or not) subscribes to; null until read. Most desks have
   * no webhook for most events, and an event nobody wants then costs a set lookup instead of a
   * write transaction. Re-read after `changed()` and when another process wrote to the database;
   * the write transaction still reads the webhooks themselves, so a stale set only costs time.
   */
  #wanted: Set<string> | null = null;
  #dataVersion = -1;
  readonly #readWanted: () => Set<string>;
  readonly #version: () => number;

  constructor(private readonly deps: { database: Database; bus: EventBus<KefuEvent>; outbox: Outbox; logger: Logger }) {
    const sqlite = deps.database.sqlite;
    const subscribers = sqlite.prepare<[], { id: number; events: string }>('select id, events from webhooks where enabled = 1');
    const insertDelivery = sqlite.prepare<[{ uuid: string; webhookId: number; event: string; body: string; at: number }]>(
      `insert into webhook_deliveries (uuid, webhook_id, event, body, status, attempts, created_at, updated_at)
       values (@uuid, @webhookId, @event, @body, 'pending', 0, @at, @at)`,
    );
    const allEvents = sqlite.prepare<[], { events: string }>('select events from webhooks');
    this.#readWanted = () => new Set(allEvents.all().flatMap((w) => JSON.parse(w.events) as string[]));
    // Prepared once: sqlite.pragma() compiles a new statement on every call, and this runs for every event.
    const dataVersion = sqlite.prepare<[], number>('pragma data_version').pluck();
    this.#version = () => dataVersion.get() as number;
    const enqueue = prepareEnqueue(sqlite);
    this.#write = sqlite.transaction((item: OutgoingEvent): number => {
      const ids = subscribers
        .all()
        .filter((w) => (JSON.parse(w.events) as WebhookEvent[]).includes(item.event))
        .map((w) => w.id);
      if (ids.length === 0) return 0;
      const dataJson = JSON.stringify(item.data);
      const at = now();
      for (const id of ids) {
        const uuid = randomUUID();
        const deliveryId = Number(insertDelivery.run({ uuid, webhookId: id, event: item.event, body: payloadBody(uuid, item.event, item.at, dataJson), at }).lastInsertRowid);
        enqueue({ kind: DELIVERY_KIND, payload: { deliveryId } });
      }
      return ids.length;
    });
  }

  start(): () => void {
    return this.deps.bus.on('*', (e) => this.handle(e));
  }

  /** Webhooks were created, changed or deleted in this process. */
  changed(): void {
    this.#wanted = null;
  }

  #isWanted(event: string): boolean {
    // data_version moves when another connection (a CLI next to the server) commits.
    const version = this.#version();
    if (this.#wanted === null || version !== this.#dataVersion) {
      this.#wanted = this.#readWanted();
      this.#dataVersion = version;
    }
    return this.#wanted.has(event);
  }

  /** True while handed-over events still wait for their deliveries to be written. */
  get busy(): boolean {
    return this.#run !== null;
  }

  handle(e: KefuEvent): void {
    const items = outgoingEvents(e, now()).filter((item) => this.#isWanted(item.event));
    if (items.length === 0) return;
    this.#pending.push(...items);
    this.#run ??= this.#later().then(() => this.#drain());
  }

  /** Resolves once every event handed over so far has its deliveries written. */
  async idle(): Promise<void> {
    while (this.#run) await this.#run;
  }

  #later = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

  async #drain(): Promise<void> {
    try {
      let queued = 0;
      while (this.#pending.length > 0) {
        // A transaction another caller opened on the shared connection is still awaiting: a synchronous
        // one now would nest inside it (and share its rollback), so wait for it to finish.
        if (this.deps.database.sqlite.inTransaction) {
          await this.#later();
          continue;
        }
        const item = this.#pending.shift();
        if (!item) break;
        try {
          queued += this.#write.immediate(item);
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
