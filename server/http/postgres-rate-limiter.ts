import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AttemptLimiter } from './attempt-limiter.js';

/** Expired windows are swept now and then rather than on every hit. */
const SWEEP_EVERY_HITS = 1000;

/**
 * A socket that reports no address (one served in-process, without TCP) has no IP: such requests
 * share one count, as they do in RateLimiter's map, instead of failing on the column's not-null.
 */
const keyOf = (key: string | undefined): string => (typeof key === 'string' ? key : String(key));

/** RateLimiter's fixed window, counted in rate_limit_hits so every process sees one count. */
export class PostgresRateLimiter implements AttemptLimiter {
  #hits = 0;

  constructor(
    private readonly db: Db,
    readonly name: string,
    readonly max: number,
    readonly windowMs: number,
  ) {}

  async attempt(rawKey: string, at = Date.now()): Promise<number> {
    const key = keyOf(rawKey);
    // One statement counts and reads: parallel attempts through any process each see their own count.
    const row = await this.db
      .insertInto('rate_limit_hits')
      .values({ limiter: this.name, key, count: 1, reset_at: at + this.windowMs })
      .onConflict((oc) =>
        oc.columns(['limiter', 'key']).doUpdateSet({
          count: sql`case when rate_limit_hits.reset_at <= ${at} then 1 else rate_limit_hits.count + 1 end`,
          reset_at: sql`case when rate_limit_hits.reset_at <= ${at} then excluded.reset_at else rate_limit_hits.reset_at end`,
        }),
      )
      .returning(['count', 'reset_at'])
      .executeTakeFirstOrThrow();
    if (++this.#hits % SWEEP_EVERY_HITS === 0) {
      await this.db.deleteFrom('rate_limit_hits').where('reset_at', '<=', at).execute();
    }
    if (row.count <= this.max) return 0;
    return Math.max(1, Math.ceil((row.reset_at - at) / 1000));
  }

  async release(rawKey: string): Promise<void> {
    const key = keyOf(rawKey);
    await this.db
      .updateTable('rate_limit_hits')
      .set({ count: sql`greatest(count - 1, 0)` })
      .where('limiter', '=', this.name)
      .where('key', '=', key)
      .execute();
  }

  async reset(rawKey: string): Promise<void> {
    const key = keyOf(rawKey);
    await this.db.deleteFrom('rate_limit_hits').where('limiter', '=', this.name).where('key', '=', key).execute();
  }
}
