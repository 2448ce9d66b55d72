/**
 * Writes what is pushed in batches, one write at a time, in the order pushed: everything pushed
 * while a write is under way goes out with the next one, so a burst costs a statement (a round
 * trip and a commit) for all of it, not one each, and a reader of the writes sees them in order.
 *
 * A write is queued by whether one will still come, not by the backlog's length: a failed write
 * drops its own batch (as a write to a database that is down would) and can leave the rest behind,
 * and those must not stop the next push from queueing a write, or nothing would be written again.
 */
export class SerialBatchWriter<T> {
  #pending: T[] = [];
  /** A write that will take what is pending is queued or under way. */
  #queued = false;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (batch: T[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
    /** Items written by one write at most: a backlog goes out in a few statements of bounded size. */
    private readonly maxBatch = 500,
  ) {}

  push(item: T): void {
    this.#pending.push(item);
    if (this.#queued) return;
    this.#queued = true;
    this.#writing = this.#writing.then(() => this.#drain()).catch(this.onError);
  }

  /** Resolves once everything pushed so far was written, or its write failed. */
  idle(): Promise<void> {
    return this.#writing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#pending.length > 0) await this.write(this.#pending.splice(0, this.maxBatch));
    } finally {
      this.#queued = false;
    }
  }
}
