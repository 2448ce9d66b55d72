import type pg from 'pg';
import type { PostgresDatabase } from '../db/postgres.js';
import { sessionClient } from '../db/session-client.js';
import type { Logger } from '../logger.js';
import type { LeaderLocks } from './leader-locks.js';

/**
 * Session advisory locks on one dedicated connection. A key once taken is kept for the life of
 * the session, so the process that leads a job keeps leading it; when that process dies its
 * connection drops, PostgreSQL releases every lock at once, and the next process to ask (on its
 * next tick) takes over.
 */
export class PostgresLeaderLocks implements LeaderLocks {
  readonly #held = new Set<string>();
  readonly #lostListeners = new Set<() => void>();
  #client: Promise<pg.Client> | null = null;
  #closed = false;

  constructor(
    private readonly database: PostgresDatabase,
    private readonly logger: Logger,
  ) {}

  async acquire(key: string): Promise<boolean> {
    if (this.#closed) return false;
    if (this.#held.has(key)) return true;
    try {
      const client = await this.#session();
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [`kefu:${key}`]);
      if (rows[0]?.ok !== true) return false;
      this.#held.add(key);
      this.logger.info({ key }, 'leading');
      return true;
    } catch (err) {
      // No session, no lock: the work waits for a later try rather than risk running twice.
      this.logger.warn({ err, key }, 'leader lock unavailable');
      return false;
    }
  }

  onLost(fn: () => void): () => void {
    this.#lostListeners.add(fn);
    return () => this.#lostListeners.delete(fn);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    this.#held.clear();
    if (client) await (await client.catch(() => null))?.end().catch(() => undefined);
  }

  #session(): Promise<pg.Client> {
    if (this.#client) return this.#client;
    const client = sessionClient(this.database);
    client.on('end', () => this.#dropped());
    const connecting = client.connect().then(() => client);
    this.#client = connecting;
    connecting.catch(() => {
      if (this.#client === connecting) this.#client = null;
    });
    return connecting;
  }

  #dropped(): void {
    if (this.#closed) return;
    this.#client = null;
    if (this.#held.size === 0) return;
    this.logger.warn({ keys: [...this.#held] }, 'leader session lost; every lock it held is released');
    this.#held.clear();
    for (const fn of this.#lostListeners) fn();
  }
}
