import { sql } from 'kysely';
import type { Logger } from '../logger.js';
import type { PostgresDatabase } from '../db/postgres.js';
import type { FullTextIndex } from './full-text-index.js';
import { zeroCounts } from './index-file.js';
import { indexPostgresQueue, queueHasRows } from './postgres-index.js';
import { postgresTicketQueries } from './postgres-text-queries.js';
import type { RebuildCounts } from './search-index.js';

const BATCH = 500;
const IDLE_POLL_MS = 250;

/**
 * The search index on PostgreSQL: search_documents, fed from search_queue by triggers. Each
 * process drains the queue in the background (SKIP LOCKED, so several processes share it without
 * indexing a row twice); a search first drains what is left itself, so it sees every commit made
 * before it.
 */
export class PostgresSearchIndex implements FullTextIndex {
  readonly queries = postgresTicketQueries;
  readonly #database: PostgresDatabase;
  readonly #logger: Logger;
  #running: Promise<void> | null = null;
  #closed = false;
  #backlog = 0;
  #wake: (() => void) | null = null;

  constructor(database: PostgresDatabase, opts: { logger: Logger }) {
    this.#database = database;
    this.#logger = opts.logger;
  }

  start(): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    this.#running ??= this.#loop();
    return Promise.resolve(true);
  }

  async caughtUp(maxWaitMs = 5_000): Promise<boolean> {
    if (this.#closed) return false;
    // Mostly the queue is empty: one statement says so, where taking nothing off it is a
    // transaction of three (a search's and a filtered list's round trips on every request).
    if (!(await queueHasRows(this.#database.db))) return true;
    const until = Date.now() + maxWaitMs;
    while ((await indexPostgresQueue(this.#database.db, BATCH)) > 0) {
      if (Date.now() > until) return false;
    }
    return true;
  }

  backlog(): number {
    return this.#backlog;
  }

  async rebuild(): Promise<RebuildCounts> {
    await this.#database.transaction(async (tx) => {
      await sql`delete from search_documents`.execute(tx);
      await sql`delete from search_queue`.execute(tx);
      for (const kind of ['messages', 'tickets', 'contacts'] as const) {
        await sql`insert into search_queue (kind, row_id) select ${kind}, id from ${sql.table(kind)} order by id`.execute(tx);
      }
    });
    await this.caughtUp(Infinity);
    const counts = zeroCounts();
    const rows = await sql<{ kind: keyof RebuildCounts; n: number }>`select kind, count(*)::int as n from search_documents group by kind`.execute(this.#database.db);
    for (const row of rows.rows) counts[row.kind] = row.n;
    return counts;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#running;
  }

  async #loop(): Promise<void> {
    while (!this.#closed) {
      try {
        const taken = await indexPostgresQueue(this.#database.db, BATCH);
        if (taken > 0) continue;
        const left = await sql<{ n: number }>`select count(*)::int as n from search_queue`.execute(this.#database.db);
        this.#backlog = left.rows[0]?.n ?? 0;
      } catch (err) {
        if (this.#closed) return;
        this.#logger.error({ err }, 'search indexing failed; trying again');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_POLL_MS);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
