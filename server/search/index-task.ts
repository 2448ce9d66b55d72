import type { MessagePort } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { INDEXED_KINDS, openIndexFile, zeroCounts, type Marks } from './index-file.js';
import { Indexer, rowsIn } from './indexer.js';
import type { IndexReply, IndexRequest, IndexThreadData } from './search-index.js';

/**
 * The indexer, a task on the background thread (server/background-thread.ts): keeps
 * search.sqlite up to date with the main database, polling it when idle and answering "is
 * everything up to now indexed?" for searches that must see the writes made before them.
 */
export default function runIndexer(port: MessagePort, data: IndexThreadData): void {
  const post = (reply: IndexReply) => port.postMessage(reply);

  const source = new SqliteDatabase(data.databaseFile, { fileMustExist: true });
  // Reads wait for no one in WAL mode; the queue trim, its only write, soon gives way to the server's writer.
  source.pragma('busy_timeout = 50');
  const target = openIndexFile(data.indexFile);
  const indexer = new Indexer(source, target);
  if (indexer.resetIfStale()) post({ type: 'reset' });

  /** Requests waiting for the index to reach what the main database held when they came. */
  const waiting: Array<{ id: number; heads: Marks }> = [];
  /** Rebuild requests in progress, answered with the rows indexed since the last reset. */
  const rebuilds = new Set<number>();
  let rebuiltCounts = zeroCounts();
  let sinceOptimize = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function schedule(ms: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms);
  }

  function run(): void {
    timer = undefined;
    try {
      const step = indexer.step(data.batch);
      const rows = rowsIn(step);
      sinceOptimize += rows;
      for (const kind of INDEXED_KINDS) rebuiltCounts[kind] += step.added[kind];
      answer();
      // Yielding between batches lets requests in; an idle index polls the main database.
      if (rows > 0) return schedule(0);
      if (sinceOptimize >= data.optimizeAfter) {
        indexer.optimize();
        sinceOptimize = 0;
      }
      schedule(data.idleMs);
    } catch (err) {
      post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      schedule(1000);
    }
  }

  function answer(): void {
    for (let i = waiting.length - 1; i >= 0; i--) {
      const w = waiting[i]!;
      if (!indexer.reached(w.heads)) continue;
      waiting.splice(i, 1);
      if (rebuilds.delete(w.id)) post({ type: 'rebuilt', id: w.id, counts: { ...rebuiltCounts } });
      else post({ type: 'synced', id: w.id });
    }
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    source.close();
    target.close();
    port.close();
  }
  // The owner may close the port without asking (the thread hosts other tasks and goes on).
  port.once('close', stop);

  port.on('message', (req: IndexRequest) => {
    try {
      if (req.type === 'stop') return stop();
      if (req.type === 'rebuild') {
        indexer.reset();
        rebuilds.add(req.id);
        rebuiltCounts = zeroCounts();
      }
      waiting.push({ id: req.id, heads: indexer.heads() });
      schedule(0);
    } catch (err) {
      post({ type: 'error', id: req.type === 'stop' ? undefined : req.id, message: err instanceof Error ? err.message : String(err) });
    }
  });

  post({ type: 'ready' });
  schedule(0);
}
