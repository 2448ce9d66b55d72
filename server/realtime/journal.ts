import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../db/database.js';
import { isPostgres } from '../db/dialect-sql.js';
import type { KefuEvent } from './events.js';

/** Who may see a journaled event; null ticketId: everyone (not about one ticket). */
export interface JournalScope {
  ticketId: number | null;
  assigneeId: number | null;
  teamId: number | null;
  previous: { assigneeId: number | null; teamId: number | null } | null;
}

export interface JournalEntry {
  cursor: number;
  type: string;
  scope: JournalScope;
  /** the event as JSON */
  payload: string;
}

export interface JournalOptions {
  /** Replays reach back at most this far... */
  maxAgeMs: number;
  /** ...and at most this many events. */
  maxRows: number;
}

const FLUSH_DELAY_MS = 20;

const INSERT_EVENT = `insert into realtime_events
  (cursor, type, ticket_id, assignee_id, team_id, previous_assignee_id, previous_team_id, has_previous, payload, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
/** The same with PostgreSQL's numbered placeholders. */
const INSERT_EVENT_PG = INSERT_EVENT.replace(/\?/g, ((n) => () => `$${++n}`)(0));

// A reconnect comes within minutes; older gaps are better served by reloading. Rows carry the
// presented ticket (~2 KB), so the cap also bounds the table to ~100 MB.
export const DEFAULT_JOURNAL_OPTIONS: JournalOptions = { maxAgeMs: 6 * 3600_000, maxRows: 50_000 };

/**
 * The websocket event journal. Cursors are handed out in memory so a live event goes out at
 * once; rows are written in batches on the next tick (one insert for a burst of intake), and
 * every read flushes first, so a replay always sees what was sent live.
 */
export class EventJournal {
  #cursor = 0;
  #pending: Array<JournalEntry & { createdAt: number }> = [];
  #flushing: Promise<void> | null = null;
  #scheduled = false;

  constructor(
    private readonly db: Db,
    private readonly onError: (err: unknown) => void,
    readonly options: JournalOptions = DEFAULT_JOURNAL_OPTIONS,
  ) {}

  async init(): Promise<void> {
    // The table's sequence remembers the highest cursor even when pruning emptied the table.
    const { rows } = await (isPostgres(this.db)
      ? sql<{ seq: number | null }>`select pg_sequence_last_value(pg_get_serial_sequence('realtime_events', 'cursor')) as seq`
      : sql<{ seq: number }>`select seq from sqlite_sequence where name = 'realtime_events'`
    ).execute(this.db);
    this.#cursor = Math.max(this.#cursor, Number(rows[0]?.seq ?? 0));
  }

  get latest(): number {
    return this.#cursor;
  }

  append(event: KefuEvent, scope: JournalScope, payload: string): number {
    const cursor = ++this.#cursor;
    this.#pending.push({ cursor, type: event.type, scope, payload, createdAt: Date.now() });
    if (!this.#scheduled) {
      this.#scheduled = true;
      // A short wait gathers a burst of intake into one commit; every read flushes first anyway.
      setTimeout(() => {
        this.#scheduled = false;
        this.flush().catch(this.onError);
      }, FLUSH_DELAY_MS).unref();
    }
    return cursor;
  }

  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = null;
    });
    await this.#flushing;
  }

  /**
   * One row per statement in one transaction: a multi-row insert had a different SQL text for
   * every batch size, each prepared anew and crowding the statement cache.
   */
  async #write(batch: Array<JournalEntry & { createdAt: number }>): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const e of batch) {
        // Already compiled: building the insert with the query builder cost more than running it,
        // three times per intake (its events).
        await tx.executeQuery(
          CompiledQuery.raw(isPostgres(tx) ? INSERT_EVENT_PG : INSERT_EVENT, [
            e.cursor,
            e.type,
            e.scope.ticketId,
            e.scope.assigneeId,
            e.scope.teamId,
            e.scope.previous?.assigneeId ?? null,
            e.scope.previous?.teamId ?? null,
            e.scope.previous ? 1 : 0,
            e.payload,
            e.createdAt,
          ]),
        );
      }
    });
  }

  /** Events after `cursor`, oldest first; `complete` false when some were already pruned. */
  async since(cursor: number, limit: number): Promise<{ entries: JournalEntry[]; complete: boolean }> {
    await this.flush();
    const rows = await this.db
      .selectFrom('realtime_events')
      .selectAll()
      .where('cursor', '>', cursor)
      .orderBy('cursor')
      .limit(limit)
      .execute();
    const first = rows[0];
    // Cursors have no gaps, so a first row past cursor + 1 means the ones between were pruned.
    const complete = cursor >= this.#cursor || (first !== undefined && first.cursor === cursor + 1);
    return {
      complete,
      entries: rows.map((r) => ({
        cursor: r.cursor,
        type: r.type,
        payload: r.payload,
        scope: {
          ticketId: r.ticket_id,
          assigneeId: r.assignee_id,
          teamId: r.team_id,
          previous: r.has_previous ? { assigneeId: r.previous_assignee_id, teamId: r.previous_team_id } : null,
        },
      })),
    };
  }

  /** Deletes what no replay may ask for any more; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    await this.flush();
    const result = await this.db
      .deleteFrom('realtime_events')
      .where((eb) =>
        eb.or([eb('created_at', '<', now - this.options.maxAgeMs), eb('cursor', '<=', this.#cursor - this.options.maxRows)]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
