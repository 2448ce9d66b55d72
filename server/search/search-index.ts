import { rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import type { Database } from '../db/database.js';
import { attachForReading } from '../db/dialect.js';
import type { Logger } from '../logger.js';
import { startBackgroundTask, startTaskAt, type BackgroundTask } from '../background-thread.js';
import { INDEXED_KINDS, openIndexFile, searchIndexFile, zeroCounts, type IndexedKind } from './index-file.js';
import { Indexer, rowsIn } from './indexer.js';
import { sqliteTicketQueries } from './sqlite-text-queries.js';

export interface IndexThreadData {
  databaseFile: string;
  indexFile: string;
  /** Rows per table the thread indexes between two looks at its messages. */
  batch: number;
  /** How often an idle thread looks for new rows. */
  idleMs: number;
  /** Rows indexed since the last merge of the index's segments that call for another. */
  optimizeAfter: number;
}

export type IndexRequest = { type: 'sync'; id: number } | { type: 'rebuild'; id: number } | { type: 'stop' };
export type IndexReply =
  | { type: 'ready' }
  | { type: 'reset' }
  | { type: 'synced'; id: number }
  | { type: 'rebuilt'; id: number; counts: RebuildCounts }
  | { type: 'error'; id?: number | undefined; message: string };

export type RebuildCounts = Record<IndexedKind, number>;

export interface SearchIndexOptions {
  logger: Logger;
  /** How long a search waits for the index to take in the writes made before it. */
  maxWaitMs?: number;
  idleMs?: number;
  /** Overrides the indexing task's module (tests: one that cannot load). */
  task?: URL;
  /** SQLite page cache for the index file on the main connection, in MB (database.cache_mb / 2). */
  cacheMb?: number;
}

const BATCH = 500;
const OPTIMIZE_AFTER = 50_000;

interface Pending {
  resolve: (reply: IndexReply | null) => void;
}

/**
 * The search index as the rest of the server sees it. search.sqlite is attached to the main
 * connection as `search`, so queries join it with tickets and messages; a task on the background
 * thread keeps it up to date (server/search/index-task.ts), a few milliseconds behind the writes.
 * A search first asks the thread to take in everything committed before it (`caughtUp`), so
 * an agent always finds the message that just arrived. Where no thread can start, the same
 * indexing runs inline, at search time.
 */
export class SearchIndex {
  readonly file: string;
  readonly queries = sqliteTicketQueries;
  readonly #database: Database;
  readonly #logger: Logger;
  readonly #maxWaitMs: number;
  readonly #idleMs: number;
  readonly #task: URL | undefined;
  #thread: BackgroundTask<IndexReply> | null = null;
  #ready: Promise<boolean> | null = null;
  #inline: Indexer | null = null;
  #inlineHandles: SqliteDatabase.Database[] = [];
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  constructor(database: Database, opts: SearchIndexOptions) {
    this.#database = database;
    this.#logger = opts.logger;
    this.#maxWaitMs = opts.maxWaitMs ?? 2000;
    this.#idleMs = opts.idleMs ?? 50;
    this.#task = opts.task;
    this.file = searchIndexFile(database.file);
    // The tables must exist before the main connection prepares a query that names them.
    try {
      openIndexFile(this.file).close();
    } catch (err) {
      // Derived data never keeps the server from starting: an unreadable index is built anew.
      this.#logger.warn({ err, file: this.file }, 'search index unreadable: building a new one');
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.file}${suffix}`, { force: true });
      openIndexFile(this.file).close();
    }
    attachForReading(database.sqlite, this.file, 'search');
    database.sqlite.pragma(`search.cache_size = ${-Math.round((opts.cacheMb ?? 16) * 1024)}`);
  }

  /** Starts the indexing thread (idempotent); resolves false if it could not start. */
  start(): Promise<boolean> {
    if (this.#ready) return this.#ready;
    this.#ready = new Promise<boolean>((resolve) => {
      let thread: BackgroundTask<IndexReply>;
      try {
        const data: IndexThreadData = {
          databaseFile: this.#database.file,
          indexFile: this.file,
          batch: BATCH,
          idleMs: this.#idleMs,
          optimizeAfter: OPTIMIZE_AFTER,
        };
        thread = this.#task ? startTaskAt<IndexReply>(this.#task, data) : startBackgroundTask<IndexReply>(import.meta.url, 'index-task', data);
      } catch (err) {
        this.#fallBack(err);
        resolve(false);
        return;
      }
      this.#thread = thread;
      thread.on('message', (reply: IndexReply) => {
        if (reply.type === 'ready') resolve(true);
        else if (reply.type === 'reset') this.#logger.info({ file: this.file }, 'search index is rebuilt from the tables');
        else if (reply.type === 'error') {
          this.#logger.error({ err: reply.message }, 'search indexing failed');
          if (reply.id !== undefined) this.#settle(reply.id, reply);
        } else this.#settle(reply.id, reply);
      });
      thread.on('error', (err) => this.#logger.error({ err }, 'search index thread failed'));
      thread.on('exit', (code) => {
        this.#thread = null;
        for (const id of [...this.#pending.keys()]) this.#settle(id, null);
        if (this.#closed) return;
        // Searches still work: from now on they index inline before they look.
        this.#fallBack(new Error(`search index task ended with code ${code}`));
        resolve(false);
      });
    });
    return this.#ready;
  }

  /**
   * Resolves once everything committed before the call is searchable, or after maxWaitMs
   * (a first build of a large database): the search then sees what is indexed so far.
   * Returns whether the index caught up.
   */
  async caughtUp(maxWaitMs = this.#maxWaitMs): Promise<boolean> {
    if (this.#closed) return false;
    if (!(await this.start()) || !this.#thread) return this.#catchUpInline(maxWaitMs);
    const reply = await this.#request({ type: 'sync', id: this.#nextId++ }, maxWaitMs);
    return reply?.type === 'synced';
  }

  /** Rows written to the main database that searches cannot find yet (a gauge in /metrics). */
  backlog(): number {
    const sqlite = this.#database.sqlite;
    const heads = sqlite
      .prepare<[], { name: string; seq: number }>(`select name, seq from main.sqlite_sequence where name in ('messages', 'tickets', 'contacts')`)
      .all();
    const marks = new Map(
      sqlite.prepare<[], { name: string; value: number }>(`select name, value from search.progress`).all().map((r) => [r.name, r.value]),
    );
    return heads.reduce((sum, h) => sum + Math.max(0, h.seq - (marks.get(h.name) ?? 0)), 0);
  }

  /** Empties the index and builds it again from the tables; resolves when it is complete. */
  async rebuild(): Promise<RebuildCounts> {
    if (!(await this.start()) || !this.#thread) {
      const indexer = this.#inlineIndexer();
      indexer.reset();
      return indexToEnd(indexer, BATCH);
    }
    const reply = await this.#request({ type: 'rebuild', id: this.#nextId++ }, Infinity);
    if (reply?.type !== 'rebuilt') throw new Error(reply?.type === 'error' ? reply.message : 'the search index thread stopped');
    return reply.counts;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const thread = this.#thread;
    if (thread) {
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      thread.postMessage({ type: 'stop' } satisfies IndexRequest);
      const timeout = setTimeout(() => thread.terminate(), 5000);
      await exited;
      clearTimeout(timeout);
    }
    for (const handle of this.#inlineHandles) handle.close();
    this.#inlineHandles = [];
  }

  #request(req: Extract<IndexRequest, { id: number }>, maxWaitMs: number): Promise<IndexReply | null> {
    const thread = this.#thread;
    if (!thread) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = Number.isFinite(maxWaitMs) ? setTimeout(() => this.#settle(req.id, null), maxWaitMs) : undefined;
      this.#pending.set(req.id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      });
      thread.postMessage(req);
    });
  }

  #settle(id: number, reply: IndexReply | null): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    pending.resolve(reply);
  }

  #fallBack(err: unknown): void {
    this.#logger.warn({ err }, 'search index thread unavailable: indexing inline before each search');
  }

  #inlineIndexer(): Indexer {
    if (this.#inline) return this.#inline;
    const source = new SqliteDatabase(this.#database.file, { fileMustExist: true });
    source.pragma('busy_timeout = 50');
    const target = openIndexFile(this.file);
    this.#inlineHandles.push(source, target);
    this.#inline = new Indexer(source, target);
    this.#inline.resetIfStale();
    return this.#inline;
  }

  #catchUpInline(maxWaitMs: number): boolean {
    const indexer = this.#inlineIndexer();
    const heads = indexer.heads();
    const deadline = performance.now() + maxWaitMs;
    while (!indexer.reached(heads)) {
      if (performance.now() > deadline) return false;
      indexer.step(BATCH);
    }
    return true;
  }
}

/** Builds the index of a database to the end, inline (after a seed or an import). */
export function buildSearchIndex(database: Database): RebuildCounts {
  const source = new SqliteDatabase(database.file, { fileMustExist: true });
  const target = openIndexFile(searchIndexFile(database.file));
  try {
    const indexer = new Indexer(source, target);
    indexer.resetIfStale();
    const counts = indexToEnd(indexer, 5000);
    indexer.optimize();
    return counts;
  } finally {
    source.close();
    target.close();
  }
}

function indexToEnd(indexer: Indexer, batch: number): RebuildCounts {
  const counts = zeroCounts();
  for (;;) {
    const step = indexer.step(batch);
    for (const kind of INDEXED_KINDS) counts[kind] += step.added[kind];
    if (rowsIn(step) === 0) return counts;
  }
}
