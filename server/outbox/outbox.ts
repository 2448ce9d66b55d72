import type { AnyDatabase } from '../db/postgres.js';
import { now, type Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { EventBus } from '../realtime/bus.js';
import type { KefuEvent } from '../realtime/events.js';
import { parseJsonObject } from '../modules/tickets/json.js';
import { setDeliveryStatus } from './delivery.js';
import { claimDue, nextDueAt, type OutboxRow } from './queue.js';
import { HeldDeliveryError, PermanentDeliveryError, RetryLaterError, SenderRegistry, type RetryPolicy, type Sender } from './senders.js';

export interface OutboxOptions {
  /** Idle wait between polls when nothing nudges the worker. */
  pollMs?: number;
  /** First retry delay; doubles each attempt. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** How long a claimed row stays with this worker before another may take it. */
  leaseMs?: number;
  batchSize?: number;
}

const DEFAULTS: Required<OutboxOptions> = {
  pollMs: 5_000,
  baseDelayMs: 10_000,
  maxDelayMs: 60 * 60_000,
  maxAttempts: 8,
  leaseMs: 5 * 60_000,
  batchSize: 10,
};

/** Exponential backoff with ±20% jitter so a recovering server is not hit by every retry at once. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number = Math.random): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + 0.4 * random()));
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/**
 * The durable delivery queue. Rows are written with their message (see queue.enqueue); channels
 * register a sender per kind; the worker leases due rows, calls the sender, and retries with
 * backoff. Rows of a kind with no sender stay queued until one registers.
 */
export class Outbox {
  readonly #senders = new SenderRegistry();
  readonly #opts: Required<OutboxOptions>;
  readonly #log: Logger;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #started = false;
  #again = false;

  constructor(
    private readonly deps: { database: AnyDatabase; bus: EventBus<KefuEvent>; logger: Logger },
    options: OutboxOptions = {},
  ) {
    this.#opts = { ...DEFAULTS, ...options };
    this.#log = deps.logger.child({ subsystem: 'outbox' });
  }

  /** `retry` overrides the outbox's backoff and attempt limit for this kind only. */
  registerSender(kind: string, sender: Sender, retry: RetryPolicy = {}): () => void {
    const unregister = this.#senders.register(kind, sender, retry);
    this.nudge();
    return unregister;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.nudge();
  }

  /** Stops polling and waits for sends in flight. */
  async stop(): Promise<void> {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Something was queued or a sender appeared: look now instead of at the next poll. */
  nudge(): void {
    if (!this.#started) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#loop(), 0);
  }

  #loop(): void {
    this.#timer = null;
    this.#running = this.runOnce()
      .catch((err: unknown) => {
        this.#log.error({ err }, 'outbox pass failed');
        return 0;
      })
      .then(async (handled) => {
        this.#running = null;
        if (!this.#started) return;
        const again = this.#again || handled > 0;
        this.#again = false;
        const wait = again ? 0 : await this.#idleWait();
        this.#timer = setTimeout(() => this.#loop(), wait);
        this.#timer.unref();
      });
  }

  async #idleWait(): Promise<number> {
    const due = await nextDueAt(this.deps.database.db, this.#senders.kinds()).catch(() => null);
    if (due === null) return this.#opts.pollMs;
    return Math.max(0, Math.min(this.#opts.pollMs, due - now()));
  }

  /** One pass: claims due rows and sends them. Returns how many were handled. Tests call it directly. */
  async runOnce(): Promise<number> {
    const at = now();
    const rows = await claimDue(this.deps.database.db, this.#senders.kinds(), at, at + this.#opts.leaseMs, this.#opts.batchSize);
    // Tickets are sent in parallel, but one ticket's messages one after another, in the order
    // written: a channel's per-conversation state (WeChat's reply window and quota, threading)
    // must see them in that order, and on PostgreSQL parallel sends would really overlap.
    const groups = await sendingOrder(this.deps.database.db, rows);
    await Promise.all(groups.map(async (group) => {
      for (const row of group) await this.#send(row);
    }));
    return rows.length;
  }

  async #send(row: OutboxRow): Promise<void> {
    const sender = this.#senders.get(row.kind);
    if (!sender) return;
    const db = this.deps.database.db;
    const log = this.#log.child({ outboxId: row.id, kind: row.kind, messageId: row.message_id, attempt: row.attempts });
    try {
      const result = await sender({
        id: row.id,
        kind: row.kind,
        channelName: row.channel_name,
        messageId: row.message_id,
        payload: parseJsonObject(row.payload),
        attempt: row.attempts,
      });
      await db
        .updateTable('outbox')
        .set({ status: 'sent', locked_until: null, last_error: null, updated_at: now() })
        .where('id', '=', row.id)
        .execute();
      if (row.message_id !== null) await setDeliveryStatus(this.deps, row.message_id, result?.status ?? 'sent');
      log.info('delivered');
    } catch (err) {
      const error = errorText(err);
      if (err instanceof HeldDeliveryError) {
        await db
          .updateTable('outbox')
          .set((eb) => ({
            status: 'pending',
            locked_until: null,
            last_error: error,
            next_attempt_at: err.until,
            attempts: eb('attempts', '-', 1),
            updated_at: now(),
          }))
          .where('id', '=', row.id)
          .execute();
        if (row.message_id !== null) await setDeliveryStatus(this.deps, row.message_id, 'queued', error);
        log.info({ until: err.until }, 'delivery held');
        return;
      }
      const policy = { ...this.#opts, ...this.#senders.retryPolicy(row.kind) };
      const final = err instanceof PermanentDeliveryError || row.attempts >= policy.maxAttempts;
      const wait = backoffMs(row.attempts, policy.baseDelayMs, policy.maxDelayMs);
      const retryAt = now() + (err instanceof RetryLaterError ? Math.max(wait, err.afterMs) : wait);
      await db
        .updateTable('outbox')
        .set({
          status: final ? 'failed' : 'pending',
          locked_until: null,
          last_error: error,
          next_attempt_at: final ? row.next_attempt_at : retryAt,
          updated_at: now(),
        })
        .where('id', '=', row.id)
        .execute();
      if (row.message_id !== null) await setDeliveryStatus(this.deps, row.message_id, final ? 'failed' : 'queued', error);
      if (final) log.warn({ err }, 'delivery failed for good');
      else log.info({ err, retryAt }, 'delivery failed; will retry');
    }
  }

  /** Queues a failed row again at once (an agent pressed "retry"). */
  async retry(outboxId: number): Promise<boolean> {
    const row = await this.deps.database.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: now(), attempts: 0, updated_at: now() })
      .where('id', '=', outboxId)
      .where('status', '=', 'failed')
      .returning(['message_id'])
      .executeTakeFirst();
    if (!row) return false;
    if (row.message_id !== null) await setDeliveryStatus(this.deps, row.message_id, 'queued');
    this.nudge();
    return true;
  }
}

/** The claimed rows in groups: one per ticket for message rows (in claim order), one each for the rest. */
async function sendingOrder(db: Db, rows: readonly OutboxRow[]): Promise<OutboxRow[][]> {
  const messageIds = [...new Set(rows.flatMap((r) => (r.message_id === null ? [] : [r.message_id])))];
  if (messageIds.length < 2) return rows.map((r) => [r]);
  const tickets = new Map(
    (await db.selectFrom('messages').select(['id', 'ticket_id']).where('id', 'in', messageIds).execute()).map((m) => [m.id, m.ticket_id]),
  );
  const groups = new Map<string, OutboxRow[]>();
  for (const row of rows) {
    const ticketId = row.message_id === null ? undefined : tickets.get(row.message_id);
    const key = ticketId === undefined ? `row:${row.id}` : `ticket:${ticketId}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()];
}
