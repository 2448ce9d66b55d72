import type { Tx } from '../db/database.js';
import type { AnyDatabase } from '../db/postgres.js';

/**
 * One unit of work. It may run up to three times: when another unit of its batch fails, the whole
 * batch is rolled back and runs again without that one, and should that fail too, every unit runs
 * in a transaction of its own. AnyDatabase writes roll back with
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
 * and, when a unit throws, is rolled back and run again without that unit, which then runs alone.
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
    const alone: Pending[] = [];
    let rest = batch;
    // The unit that threw is set aside and the others run together again, once: a unit colliding
    // with another process's transaction (PostgreSQL) then costs one batch more, not a commit per unit.
    for (let attempt = 0; attempt < 2 && rest.length > 1; attempt++) {
      let running = -1;
      let values: unknown[] | null = null;
      try {
        values = await this.database.transaction(async (tx, onCommit) => {
          const out: unknown[] = [];
          for (const [i, item] of rest.entries()) {
            running = i;
            out.push(await item.work(tx, onCommit));
          }
          running = -1;
          return out;
        });
      } catch {
        // A unit failed, or the commit did (then no unit is to blame and each runs alone).
      }
      if (values) {
        const committed = values;
        rest.forEach((item, i) => item.resolve(committed[i]));
        rest = [];
        break;
      }
      if (running < 0) break;
      alone.push(rest[running]!);
      rest = rest.filter((_, i) => i !== running);
    }
    for (const item of [...rest, ...alone]) {
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
