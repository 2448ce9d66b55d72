import type SqliteDatabase from 'better-sqlite3';
import { contactSearchText, searchColumns } from './tokenize.js';
import { INDEX_FORMAT, INDEXED_KINDS, zeroCounts, zeroMarks, type IndexedKind, type Marks } from './index-file.js';

/** The text indexed for each kind of row, as the main database stores it. */
const TEXT_OF: Record<IndexedKind, string> = {
  messages: `select id, text from messages`,
  tickets: `select id, '#' || number || ' ' || subject as text from tickets`,
  contacts: `select id, name, email, phone from contacts`,
};

interface SourceRow {
  id: number;
  text?: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
}

const textOf = (kind: IndexedKind, row: SourceRow): string =>
  kind === 'contacts' ? contactSearchText(row.name ?? null, row.email ?? null, row.phone ?? null) : (row.text ?? '');

export interface StepResult {
  /** Rows newly indexed, per table. */
  added: Record<IndexedKind, number>;
  /** Rows re-indexed or removed after an edit or delete. */
  redone: number;
}

export const rowsIn = (step: StepResult): number => step.added.messages + step.added.tickets + step.added.contacts + step.redone;

/**
 * Brings the search index (`target`, an index file) up to date with the main database
 * (`source`), a bounded batch at a time. New rows are found by id: every indexed table counts
 * up, and one writer at a time means ids commit in order. Edits and deletes come from
 * search_queue (filled by triggers, migrations/0009-search-queue.ts). What has been read is
 * recorded in the index file in the same transaction as the index rows, so a crash at any
 * point neither loses nor doubles a row. Synchronous: runs on the indexer thread, or inline
 * where no thread can run.
 */
export class Indexer {
  readonly #source: SqliteDatabase.Database;
  readonly #target: SqliteDatabase.Database;
  readonly #heads: SqliteDatabase.Statement<[], { name: string; seq: number }>;
  readonly #newRows: Record<IndexedKind, SqliteDatabase.Statement<[number, number, number], SourceRow>>;
  readonly #oneRow: Record<IndexedKind, SqliteDatabase.Statement<[number], SourceRow>>;
  readonly #changes: SqliteDatabase.Statement<[number, number, number], { id: number; kind: IndexedKind; row_id: number }>;
  readonly #insert: Record<IndexedKind, SqliteDatabase.Statement<[number, string, string]>>;
  readonly #remove: Record<IndexedKind, SqliteDatabase.Statement<[number]>>;
  readonly #setProgress: SqliteDatabase.Statement<[string, number]>;
  readonly #trimQueue: SqliteDatabase.Statement<[number]>;
  readonly #progress: SqliteDatabase.Statement<[], { name: string; value: number }>;

  constructor(source: SqliteDatabase.Database, target: SqliteDatabase.Database) {
    this.#source = source;
    this.#target = target;
    this.#heads = source.prepare(
      `select name, seq from sqlite_sequence where name in ('messages', 'tickets', 'contacts', 'search_queue')`,
    );
    const perKind = <T>(make: (kind: IndexedKind) => T) =>
      Object.fromEntries(INDEXED_KINDS.map((k) => [k, make(k)])) as Record<IndexedKind, T>;
    this.#newRows = perKind((k) => source.prepare(`${TEXT_OF[k]} where id > ? and id <= ? order by id limit ?`));
    this.#oneRow = perKind((k) => source.prepare(`${TEXT_OF[k]} where id = ?`));
    this.#changes = source.prepare(`select id, kind, row_id from search_queue where id > ? and id <= ? order by id limit ?`);
    this.#insert = perKind((k) => target.prepare(`insert into search_${k} (rowid, words, chars) values (?, ?, ?)`));
    this.#remove = perKind((k) => target.prepare(`delete from search_${k} where rowid = ?`));
    this.#setProgress = target.prepare(`insert or replace into progress (name, value) values (?, ?)`);
    this.#trimQueue = source.prepare(`delete from search_queue where id <= ?`);
    this.#progress = target.prepare(`select name, value from progress`);
  }

  /** What the main database holds now: the newest id per table and queue entry. */
  heads(): Marks {
    const heads = zeroMarks();
    for (const { name, seq } of this.#heads.all()) heads[name === 'search_queue' ? 'queue' : (name as IndexedKind)] = seq;
    return heads;
  }

  marks(): Marks {
    const marks = zeroMarks();
    for (const { name, value } of this.#progress.all()) if (name in marks) marks[name as keyof Marks] = value;
    return marks;
  }

  /**
   * An index of another format, or one that has read past what the main database holds (it
   * was restored from an older backup, or replaced), is emptied to be built again.
   * Returns whether an index with rows in it was thrown away (a new one is not).
   */
  resetIfStale(): boolean {
    const format = this.#progress.all().find((p) => p.name === 'format');
    const marks = this.marks();
    const heads = this.heads();
    const ahead = (Object.keys(marks) as Array<keyof Marks>).some((k) => marks[k] > heads[k]);
    if (format?.value === INDEX_FORMAT && !ahead) return false;
    const empty = format === undefined && Object.values(marks).every((m) => m === 0);
    this.reset();
    return !empty;
  }

  /** Empties the index; the following steps build it again from the first row. */
  reset(): void {
    this.#target.transaction(() => {
      for (const kind of INDEXED_KINDS) this.#target.exec(`insert into search_${kind} (search_${kind}) values ('delete-all')`);
      this.#target.exec(`delete from progress`);
      this.#setProgress.run('format', INDEX_FORMAT);
    })();
  }

  /** Indexes up to `limit` new rows of each table and `limit` queued changes. */
  step(limit = 500): StepResult {
    // The index's write lock is taken first and held throughout: a second indexer (another
    // process on the same data directory) waits, then reads the marks this one moved on.
    const { result, trimTo } = this.#target.transaction(() => this.#stepLocked(limit)).immediate();
    // The queue is only read past its mark; trimming it is housekeeping, done once recorded,
    // and left for a later step while the main database's writer is busy.
    if (trimTo > 0) {
      try {
        this.#trimQueue.run(trimTo);
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'SQLITE_BUSY') throw err;
      }
    }
    return result;
  }

  #stepLocked(limit: number): { result: StepResult; trimTo: number } {
    const marks = this.marks();
    const next = { ...marks };
    const added: Array<{ kind: IndexedKind; id: number; text: string }> = [];
    const redo = new Map<string, { kind: IndexedKind; id: number; text: string | null }>();

    // One read transaction: the new rows, the changes and the current text of changed rows
    // all come from the same moment.
    this.#source.transaction(() => {
      const heads = this.heads();
      for (const kind of INDEXED_KINDS) {
        const rows = this.#newRows[kind].all(marks[kind], heads[kind], limit);
        for (const row of rows) added.push({ kind, id: row.id, text: textOf(kind, row) });
        // A short batch saw everything up to the head, including ids whose rows were deleted since.
        next[kind] = rows.length < limit ? heads[kind] : rows[rows.length - 1]!.id;
      }
      const changes = this.#changes.all(marks.queue, heads.queue, limit);
      next.queue = changes.length < limit ? heads.queue : changes[changes.length - 1]!.id;
      for (const change of changes) {
        // A row not indexed yet is read whole, as it is now, by the scan for new rows.
        if (change.row_id > marks[change.kind]) continue;
        const key = `${change.kind}:${change.row_id}`;
        if (redo.has(key)) continue;
        const row = this.#oneRow[change.kind].get(change.row_id);
        redo.set(key, { kind: change.kind, id: change.row_id, text: row ? textOf(change.kind, row) : null });
      }
    })();

    for (const { kind, id, text } of redo.values()) {
      this.#remove[kind].run(id);
      if (text !== null) this.#write(kind, id, text);
    }
    for (const { kind, id, text } of added) this.#write(kind, id, text);
    for (const name of Object.keys(next) as Array<keyof Marks>) {
      if (next[name] !== marks[name]) this.#setProgress.run(name, next[name]);
    }

    const counts = zeroCounts();
    for (const row of added) counts[row.kind]++;
    return { result: { added: counts, redone: redo.size }, trimTo: next.queue > marks.queue ? next.queue : 0 };
  }

  #write(kind: IndexedKind, id: number, text: string): void {
    const columns = searchColumns(text);
    this.#insert[kind].run(id, columns.words, columns.chars);
  }

  /** Whether everything the main database held at `heads` is indexed. */
  reached(heads: Marks): boolean {
    const marks = this.marks();
    return (Object.keys(heads) as Array<keyof Marks>).every((k) => marks[k] >= heads[k]);
  }

  /** Merges the index's segments into one: faster searches after a large build. */
  optimize(): void {
    for (const kind of INDEXED_KINDS) this.#target.exec(`insert into search_${kind} (search_${kind}) values ('optimize')`);
  }
}
