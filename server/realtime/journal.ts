import { CompiledQuery, sql, type Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import { isPostgres } from '../db/dialect-sql.js';
import type { KefuEvent } from './events.js';
import type { RealtimeEventsTable } from './tables.js';

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

/**
 * What the agent hub journals into and replays from. An appended event reaches `onLive`'s
 * listener with its cursor: at once with one process, and with several (PostgreSQL) from the
 * database, in every process, in the one order cursors were committed; `peer` when another
 * process appended it.
 */
export interface RealtimeJournal {
  readonly options: JournalOptions;
  /** The highest cursor known here. */
  readonly latest: number;
  init(): Promise<void>;
  onLive(fn: (entry: JournalEntry, peer: boolean) => void): void;
  append(event: KefuEvent, scope: JournalScope, payload: string): void;
  /** Brings `latest` up to what the database holds (a client may bring a cursor another process gave). */
  refresh(): Promise<void>;
  /** Null when appended events are already pushed (one process), else resolves once they are. */
  settled(): Promise<void> | null;
  since(cursor: number, limit: number): Promise<{ entries: JournalEntry[]; complete: boolean }>;
  prune(now?: number): Promise<number>;
  flush(): Promise<void>;
}

const FLUSH_DELAY_MS = 20;

const INSERT_EVENT = `insert into realtime_events
  (cursor, type, ticket_id, assignee_id, team_id, previous_assignee_id, previous_team_id, has_previous, payload, created_at)
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
/** The same on PostgreSQL, which numbers its parameters. */
const INSERT_EVENT_PG = INSERT_EVENT.replace('?, ?, ?, ?, ?, ?, ?, ?, ?, ?', '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10');

// A reconnect comes within minutes; older gaps are better served by reloading. Rows carry the
// presented ticket (~2 KB), so the cap also bounds the table to ~100 MB.
/** A realtime_events row as the journal hands it to a replay. */
export function journalEntryOf(r: Selectable<RealtimeEventsTable>): JournalEntry {
  return {
    cursor: r.cursor,
    type: r.type,
    payload: r.payload,
    scope: {
      ticketId: r.ticket_id,
      assigneeId: r.assignee_id,
      teamId: r.team_id,
      previous: r.has_previous ? { assigneeId: r.previous_assignee_id, teamId: r.previous_team_id } : null,
    },
  };
}

export const DEFAULT_JOURNAL_OPTIONS: JournalOptions = { maxAgeMs: 6 * 3600_000, maxRows: 50_000 };

/**
 * The websocket event journal. Cursors are handed out in memory so a live event goes out at
 * once; rows are written in batches on the next tick (one insert for a burst of intake), and
 * every read flushes first, so a replay always sees what was sent live.
 */
export class EventJournal implements RealtimeJournal {
  #cursor = 0;
  #live: (entry: JournalEntry, peer: boolean) => void = () => undefined;
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

  onLive(fn: (entry: JournalEntry, peer: boolean) => void): void {
    this.#live = fn;
  }

  async refresh(): Promise<void> {
    // One process hands out every cursor: latest is already exact.
  }

  settled(): null {
    // append() pushes its entry before it returns.
    return null;
  }

  append(event: KefuEvent, scope: JournalScope, payload: string): number {
    const cursor = ++this.#cursor;
    const entry = { cursor, type: event.type, scope, payload, createdAt: Date.now() };
    this.#pending.push(entry);
    this.#live(entry, false);
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
          CompiledQuery.raw(isPostgres(this.db) ? INSERT_EVENT_PG : INSERT_EVENT, [
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
      entries: rows.map(journalEntryOf),
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
