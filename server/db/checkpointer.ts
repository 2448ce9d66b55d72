import { startBackgroundTask } from '../background-thread.js';
import type { Logger } from '../logger.js';
import type { CheckpointReply, CheckpointTaskData } from './checkpoint-task.js';
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

/**
 * Copies committed pages from the WAL back into the database file on a thread of its own. Done
 * by the writing connection (SQLite's default), a checkpoint runs inside whichever commit crosses
 * the threshold: ~40 MB copied and synced while every request waits, the slowest widget deliveries.
 * A PASSIVE checkpoint from a second connection (server/db/checkpoint-task.ts, on the background
 * thread) never blocks the writer. Should the task fail, the main connection takes checkpointing back.
 */
export function startCheckpointer(database: Database, opts: CheckpointerOptions): Checkpointer {
  const log = opts.logger.child({ subsystem: 'checkpointer' });
  const data: CheckpointTaskData = { file: database.file, everyMs: opts.everyMs ?? 1000 };
  const worker = startBackgroundTask<CheckpointReply>(import.meta.url, 'checkpoint-task', data);
  let checkpoints = 0;
  let failedOnce = false;
  let exited = false;
  let stopping = false;
  const takeBack = () => database.sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  worker.once('exit', () => {
    exited = true;
    // The thread it shares may end under it (another task's failure).
    if (!stopping && database.sqlite.open) takeBack();
  });

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: CheckpointReply) => {
      if ('ready' in m) {
        database.sqlite.pragma('wal_autocheckpoint = 0');
        resolve();
      } else if ('error' in m) {
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
    // Ended before it was ready (it could not open the database): nothing checkpoints but the main connection.
    worker.once('exit', () => reject(new Error('the checkpoint task ended before it started')));
  });
  ready.catch(() => undefined);

  return {
    ready,
    get checkpoints() {
      return checkpoints;
    },
    async stop() {
      stopping = true;
      takeBack();
      if (exited) return;
      worker.postMessage('stop');
      await new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        setTimeout(() => {
          worker.terminate();
          resolve();
        }, 5000).unref();
      });
    },
  };
}
