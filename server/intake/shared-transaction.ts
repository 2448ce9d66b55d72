import { sql } from 'kysely';
import type { Database, Tx } from '../db/database.js';

type Work<T> = (tx: Tx, onCommit: (cb: () => void) => void) => Promise<T>;

interface Pending {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const MAX_BATCH = 64;

/**
 * Runs concurrent units of work in one transaction, each in its own savepoint: the commit (and the
 * search index segment it writes) is shared, yet a unit that fails undoes only itself. Each caller's
 * promise settles only after the commit that holds its work.
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

  constructor(private readonly database: Database) {}

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
    const outcomes: Outcome[] = [];
    try {
      await this.database.transaction(async (tx, onCommit) => {
        const only = batch.length === 1 ? batch[0] : undefined;
        if (only) {
          outcomes.push({ ok: true, value: await only.work(tx, onCommit) });
          return;
        }
        for (const item of batch) outcomes.push(await inSavepoint(tx, onCommit, item.work));
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) item.resolve(outcome.value);
      else item.reject(outcome ? outcome.error : new Error('shared transaction lost a result'));
    });
  }
}

async function inSavepoint(tx: Tx, onCommit: (cb: () => void) => void, work: Work<unknown>): Promise<Outcome> {
  // Side effects of a unit that is undone must not run at the commit of the others.
  const callbacks: Array<() => void> = [];
  await sql`savepoint shared_unit`.execute(tx);
  try {
    const value = await work(tx, (cb) => callbacks.push(cb));
    await sql`release shared_unit`.execute(tx);
    for (const cb of callbacks) onCommit(cb);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to shared_unit`.execute(tx);
    await sql`release shared_unit`.execute(tx);
    return { ok: false, error };
  }
}

const shared = new WeakMap<Database, SharedTransactions>();

/** The one SharedTransactions of a database. */
export function sharedTransactions(database: Database): SharedTransactions {
  let s = shared.get(database);
  if (!s) {
    s = new SharedTransactions(database);
    shared.set(database, s);
  }
  return s;
}
