import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import { WAL_AUTOCHECKPOINT_PAGES, type Database } from './database.js';

export interface CheckpointerOptions {
  everyMs?: number;
  logger: Logger;
}

export interface Checkpointer {
  /** Resolves once the thread has its own connection open and the main one stopped checkpointing. */
  readonly ready: Promise<void>;
  /** Checkpoints completed by the thread so far. */
  readonly checkpoints: number;
  stop(): Promise<void>;
}

// Plain JavaScript so it runs the same from the TypeScript sources and from dist.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ done: r.checkpointed, wal: r.log });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage({ ready: true });
`;

/**
 * Copies committed pages from the WAL back into the database file on a thread of its own. Done
 * by the writing connection (SQLite's default), a checkpoint runs inside whichever commit crosses
 * the threshold: ~40 MB copied and synced while every request waits, the slowest widget deliveries.
 * A PASSIVE checkpoint from a second connection never blocks the writer. Should the thread fail,
 * the main connection takes checkpointing back.
 */
export function startCheckpointer(database: Database, opts: CheckpointerOptions): Checkpointer {
  const log = opts.logger.child({ subsystem: 'checkpointer' });
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD, { eval: true, execArgv: [], workerData: { file: database.file, driver, everyMs: opts.everyMs ?? 1000 } });
  let checkpoints = 0;
  let failedOnce = false;
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  const takeBack = () => database.sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { ready?: true; done?: number; error?: string }) => {
      if (m.ready) {
        database.sqlite.pragma('wal_autocheckpoint = 0');
        resolve();
      } else if (m.error) {
        if (!failedOnce) log.warn({ err: m.error }, 'background checkpoint failed; retrying');
        failedOnce = true;
      } else {
        checkpoints += 1;
      }
    });
    worker.once('error', (err) => {
      takeBack();
      log.error({ err }, 'checkpoint thread failed; the main connection checkpoints again');
      reject(err);
    });
  });
  ready.catch(() => undefined);

  return {
    ready,
    get checkpoints() {
      return checkpoints;
    },
    async stop() {
      takeBack();
      if (exited) return;
      worker.postMessage('stop');
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        setTimeout(() => void worker.terminate().then(() => resolve()), 5000).unref();
      });
    },
  };
}
