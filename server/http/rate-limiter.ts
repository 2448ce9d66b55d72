/**
 * Counts hits per key in a fixed window. In memory on purpose: with one process (SQLite) it sees
 * every request, and a restart forgetting the counts is harmless. Limits that guard against abuse
 * take it through sharedLimiter, which counts in the database when several processes serve.
 */
export class RateLimiter {
  readonly #hits = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Seconds until the key may try again, or 0 when it is under the limit. */
  retryAfter(key: string, at = Date.now()): number {
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= at || entry.count < this.max) return 0;
    return Math.max(1, Math.ceil((entry.resetAt - at) / 1000));
  }

  hit(key: string, at = Date.now()): void {
    const entry = this.#hits.get(key);
    if (!entry || entry.resetAt <= at) {
      if (this.#hits.size > 50_000) this.#sweep(at);
      this.#hits.set(key, { count: 1, resetAt: at + this.windowMs });
    } else {
      entry.count++;
    }
  }

  /** Hits and returns whether the key is still allowed. */
  take(key: string, at = Date.now()): boolean {
    if (this.retryAfter(key, at) > 0) return false;
    this.hit(key, at);
    return true;
  }

  /** Counts an attempt unless the key is over the limit; returns retryAfter's answer before it. */
  attempt(key: string, at = Date.now()): number {
    const wait = this.retryAfter(key, at);
    if (wait === 0) this.hit(key, at);
    return wait;
  }

  /** Takes back one hit, for an attempt counted up front that turned out to be allowed. */
  release(key: string): void {
    const entry = this.#hits.get(key);
    if (entry && entry.count > 0) entry.count--;
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  #sweep(at: number): void {
    for (const [key, entry] of this.#hits) if (entry.resetAt <= at) this.#hits.delete(key);
  }
}
