import { CompiledQuery, sql } from 'kysely';
import type { PostgresDatabase } from '../db/postgres.js';
import type { PostgresListener } from '../db/postgres-listener.js';
import type { KefuEvent } from './events.js';
import { journalEntryOf, type JournalEntry, type JournalOptions, type JournalScope, type RealtimeJournal } from './journal.js';
import { NOTIFY_PAYLOAD_LIMIT } from './postgres-relay.js';
import { SerialBatchWriter } from './serial-batch-writer.js';

const CHANNEL = 'kefu_journal';

/**
 * A batch of events in one statement, which is its own transaction. Writers take turns across
 * processes, from taking cursors until their commit: cursors then commit (and NOTIFY) in their
 * own order, so no process pushes cursor 11 before 10, and a replay that has 11 never lacks a 10
 * committed later. The turn is the advisory lock, taken by the statement itself before its rows
 * (and so their cursors) exist: it is held for the statement's own work and commit only, never
 * across a round trip to this process, which with a lock per event in a transaction of four
 * round trips made every event of one process wait for the other's client to be scheduled.
 * NOTIFYs go out in cursor order, in the same statement, so on commit.
 */
const INSERT = `with turn as materialized (select pg_advisory_xact_lock(hashtextextended($1, 0))),
  batch as materialized (
    select nextval(pg_get_serial_sequence('realtime_events', 'cursor')) as cursor, u.*
    from turn, unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::int[], $9::text[], $10::bigint[], $11::text[])
      with ordinality as u (type, ticket_id, assignee_id, team_id, previous_assignee_id, previous_team_id, has_previous, payload, created_at, tail, n)
  ),
  written as (
    insert into realtime_events (cursor, type, ticket_id, assignee_id, team_id, previous_assignee_id, previous_team_id, has_previous, payload, created_at)
    select cursor, type, ticket_id, assignee_id, team_id, previous_assignee_id, previous_team_id, has_previous, payload, created_at from batch
  )
select o.cursor, pg_notify($1, '{"c":' || o.cursor || o.tail) from (select cursor, tail from batch order by cursor) o`;

interface Pending {
  type: string;
  scope: JournalScope;
  payload: string;
  createdAt: number;
}

/**
 * A notification is `{"c":cursor,"t":type,"o":origin,"s":scope}`, then a line break and the
 * payload as it is (JSON has no raw line break), or the first part alone when the payload would not
 * fit and is read from the table: the payload goes to sockets untouched, never parsed or escaped.
 */
interface Notice {
  c: number;
  t: string;
  o: string;
  s: JournalScope;
}

/**
 * The journal shared by several processes on one PostgreSQL database. Cursors come from the
 * table's identity, so every process numbers events alike and a replay on one process has what
 * another journaled. Each insert NOTIFYs in the same statement (so on commit); every process,
 * the one that wrote included, pushes live events from those notifications, in commit order.
 * They are the only way a journaled event crosses to the other processes (their hub hands it on
 * to their bus), so a notification says which process wrote it.
 */
export class PostgresJournal implements RealtimeJournal {
  #latest = 0;
  /** The highest cursor pushed live here: a lost LISTEN connection catches up from it. */
  #delivered = 0;
  #live: (entry: JournalEntry, peer: boolean) => void = () => undefined;
  /**
   * One write at a time, taking every event appended meanwhile: this process's events are
   * numbered in the order they happened, and a burst costs one statement, not one each.
   */
  readonly #writes: SerialBatchWriter<Pending>;
  /** The highest cursor this process wrote; settled() waits until it was pushed here too. */
  #written = 0;
  #settledWaiters: Array<{ cursor: number; resolve: () => void }> = [];
  #receiving: Promise<void> = Promise.resolve();

  constructor(
    private readonly database: PostgresDatabase,
    private readonly listener: PostgresListener,
    /** This process among those writing to the journal. */
    private readonly origin: string,
    private readonly onError: (err: unknown) => void,
    readonly options: JournalOptions,
  ) {
    this.#writes = new SerialBatchWriter((batch) => this.#insert(batch), onError);
  }

  async init(): Promise<void> {
    await this.listener.listen(CHANNEL, (text) => this.#received(text));
    this.listener.onReconnect(() => {
      this.#receiving = this.#receiving.then(() => this.#catchUp()).catch(this.onError);
    });
    await this.refresh();
    this.#delivered = this.#latest;
  }

  get latest(): number {
    return this.#latest;
  }

  onLive(fn: (entry: JournalEntry, peer: boolean) => void): void {
    this.#live = fn;
  }

  async refresh(): Promise<void> {
    // The sequence remembers the highest cursor even when pruning emptied the table.
    const { rows } = await sql<{ seq: number | null }>`select pg_sequence_last_value(pg_get_serial_sequence('realtime_events', 'cursor')) as seq`.execute(
      this.database.db,
    );
    this.#latest = Math.max(this.#latest, Number(rows[0]?.seq ?? 0));
  }

  append(event: KefuEvent, scope: JournalScope, payload: string): void {
    this.#writes.push({ type: event.type, scope, payload, createdAt: Date.now() });
  }

  async #insert(batch: Pending[]): Promise<void> {
    const origin = JSON.stringify(this.origin);
    const tail = ({ type, scope, payload }: Pending): string => {
      const notice = `,"t":${JSON.stringify(type)},"o":${origin},"s":${JSON.stringify(scope)}}`;
      // 25: `{"c":`, up to 19 digits and the line break.
      return Buffer.byteLength(notice) + Buffer.byteLength(payload) + 25 <= NOTIFY_PAYLOAD_LIMIT ? `${notice}\n${payload}` : notice;
    };
    // Through Kysely's pool: its statement cache keeps the statement prepared on each connection.
    const { rows } = await this.database.db.executeQuery(
      CompiledQuery.raw(INSERT, [
        CHANNEL,
        batch.map((e) => e.type),
        batch.map((e) => e.scope.ticketId),
        batch.map((e) => e.scope.assigneeId),
        batch.map((e) => e.scope.teamId),
        batch.map((e) => e.scope.previous?.assigneeId ?? null),
        batch.map((e) => e.scope.previous?.teamId ?? null),
        batch.map((e) => (e.scope.previous ? 1 : 0)),
        batch.map((e) => e.payload),
        batch.map((e) => e.createdAt),
        batch.map(tail),
      ]),
    );
    this.#written = Math.max(this.#written, Number((rows.at(-1) as { cursor?: number } | undefined)?.cursor ?? 0));
  }

  #received(text: string): void {
    // In order: an entry read back from the table must not be overtaken by the ones after it.
    this.#receiving = this.#receiving
      .then(async () => {
        const cut = text.indexOf('\n');
        const notice = JSON.parse(cut < 0 ? text : text.slice(0, cut)) as Notice;
        const entry =
          cut >= 0 ? { cursor: notice.c, type: notice.t, scope: notice.s, payload: text.slice(cut + 1) } : await this.#read(notice.c);
        if (entry) this.#push(entry, notice.o !== this.origin);
      })
      .catch(this.onError);
  }

  #push(entry: JournalEntry, peer: boolean): void {
    this.#latest = Math.max(this.#latest, entry.cursor);
    this.#delivered = Math.max(this.#delivered, entry.cursor);
    this.#live(entry, peer);
    if (this.#settledWaiters.length > 0) {
      this.#settledWaiters = this.#settledWaiters.filter((w) => (w.cursor <= this.#delivered ? (w.resolve(), false) : true));
    }
  }

  /**
   * Resolves once every event appended here so far was written and pushed live here, so a socket
   * opened now is told a cursor that covers them and is not sent them again live.
   */
  async settled(): Promise<void> {
    await this.flush();
    const cursor = this.#written;
    if (cursor <= this.#delivered) return;
    await new Promise<void>((resolve) => this.#settledWaiters.push({ cursor, resolve }));
  }

  async #read(cursor: number): Promise<JournalEntry | null> {
    const row = await this.database.db.selectFrom('realtime_events').selectAll().where('cursor', '=', cursor).executeTakeFirst();
    return row ? journalEntryOf(row) : null;
  }

  /**
   * Notifications sent while LISTEN was down are gone: what they announced is read from the table.
   * Rows do not say which process wrote them: this process's own go to its bus as a peer's too, where
   * websocket subscribers leave journaled events to the journal and a cache drops its copy once more.
   */
  async #catchUp(): Promise<void> {
    for (;;) {
      const rows = await this.database.db
        .selectFrom('realtime_events')
        .selectAll()
        .where('cursor', '>', this.#delivered)
        .orderBy('cursor')
        .limit(1000)
        .execute();
      for (const row of rows) this.#push(journalEntryOf(row), true);
      if (rows.length < 1000) return;
    }
  }

  async flush(): Promise<void> {
    await this.#writes.idle();
  }

  async since(cursor: number, limit: number): Promise<{ entries: JournalEntry[]; complete: boolean }> {
    await this.flush();
    const rows = await this.database.db
      .selectFrom('realtime_events')
      .selectAll()
      .where('cursor', '>', cursor)
      .orderBy('cursor')
      .limit(limit)
      .execute();
    const first = rows[0];
    const last = rows.at(-1);
    if (last) this.#latest = Math.max(this.#latest, last.cursor);
    const complete = cursor >= this.#latest || (first !== undefined && first.cursor === cursor + 1);
    return { complete, entries: rows.map(journalEntryOf) };
  }

  async prune(now = Date.now()): Promise<number> {
    await this.flush();
    const result = await this.database.db
      .deleteFrom('realtime_events')
      .where((eb) =>
        eb.or([eb('created_at', '<', now - this.options.maxAgeMs), eb('cursor', '<=', this.#latest - this.options.maxRows)]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
