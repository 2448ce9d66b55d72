import type { Tx } from '../db/database.js';
import type { AnyDatabase } from '../db/postgres.js';

/**
 * One unit of work. It may run twice: when another unit of its batch fails, the whole batch is
 * rolled back and every unit runs again in a transaction of its own. AnyDatabase writes roll back with
 * the batch and callbacks given to onCommit are dropped with it; anything else a unit does must be
 * safe to repeat (content-addressed attachment files are).
 */
type Work<T> = (tx: Tx, onCommit: (cb: () => void) => void) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 64;

/**
 * Runs concurrent units of work in one transaction: the commit is shared, yet a unit that fails
 * undoes only itself. Each caller's promise settles only after the commit that holds its work.
 *
 * Failures are rare, so a batch runs without savepoints (which cost ~70 µs a message in page copies)
 * and, when a unit throws, is rolled back and retried one unit per transaction.
 *
 * A unit arriving while nothing runs waits for the rest of this turn of the event loop, no longer:
 * a transaction never yields (SQLite answers synchronously), so without that wait every websocket
 * frame or HTTP request read in the same I/O phase would pay for a commit of its own (a widget
 * burst committed once per message, at ~0.4 ms a commit).
 */
export class SharedTransactions {
  private queue: Pending[] = [];
  private running = false;
  private scheduled = false;

  constructor(private readonly database: AnyDatabase) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.drain();
        });
      }
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    if (batch.length > 1) {
      let values: unknown[] | null = null;
      try {
        values = await this.database.transaction(async (tx, onCommit) => {
          const out: unknown[] = [];
          for (const item of batch) out.push(await item.work(tx, onCommit));
          return out;
        });
      } catch {
        // Some unit failed (or the commit did): each gets a transaction of its own, so only it fails.
      }
      if (values) {
        batch.forEach((item, i) => item.resolve(values[i]));
        return;
      }
    }
    for (const item of batch) {
      try {
        item.resolve(await this.database.transaction((tx, onCommit) => item.work(tx, onCommit)));
      } catch (error) {
        item.reject(error);
      }
    }
  }
}

const shared = new WeakMap<AnyDatabase, SharedTransactions>();

/** The one SharedTransactions of a database. */
export function sharedTransactions(database: AnyDatabase): SharedTransactions {
  let s = shared.get(database);
  if (!s) {
    s = new SharedTransactions(database);
    shared.set(database, s);
  }
  return s;
}
