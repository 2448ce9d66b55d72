import type { AnyDatabase } from '../db/postgres.js';
import { PostgresRateLimiter } from './postgres-rate-limiter.js';
import { RateLimiter } from './rate-limiter.js';

/** A fixed-window limit on attempts per key (sign-ins per address, per IP...). */
export interface AttemptLimiter {
  /**
   * Counts an attempt before it is checked, in one step, so a burst of parallel attempts cannot
   * all pass; returns 0 when it may go ahead, else the seconds until the key may try again.
   */
  attempt(key: string): number | Promise<number>;
  /** Takes back one hit, for an attempt counted up front that turned out to be allowed. */
  release(key: string): void | Promise<void>;
  reset(key: string): void | Promise<void>;
}

/**
 * Limits that must hold across processes (sign-in guessing): in memory with one process
 * (SQLite), in the database when several processes share PostgreSQL, where an attacker spreading
 * attempts over the processes would otherwise get each process's allowance. `name` keeps each
 * limiter's keys apart in the shared table.
 */
export function sharedLimiter(database: AnyDatabase, name: string, max: number, windowMs: number): AttemptLimiter {
  return database.driver === 'postgres' ? new PostgresRateLimiter(database.db, name, max, windowMs) : new RateLimiter(max, windowMs);
}
