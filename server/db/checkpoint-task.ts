import type { MessagePort } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

export interface CheckpointTaskData {
  file: string;
  everyMs: number;
}

export type CheckpointReply = { ready: true } | { done: number; wal: number } | { error: string };

/**
 * WAL checkpoints from a connection of their own, a task on the background thread
 * (server/background-thread.ts); server/db/checkpointer.ts says why. Any message stops it.
 */
export default function runCheckpoints(port: MessagePort, data: CheckpointTaskData): void {
  const post = (reply: CheckpointReply) => port.postMessage(reply);
  const db = new SqliteDatabase(data.file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const checkpoint = () => {
    try {
      const [r] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ checkpointed: number; log: number }>;
      post({ done: r!.checkpointed, wal: r!.log });
    } catch (err) {
      post({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  const timer = setInterval(checkpoint, data.everyMs);
  let stopped = false;
  const stop = (last: boolean) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (last) checkpoint();
    db.close();
    port.close();
  };
  // The owner may close the port without asking (the thread hosts other tasks and goes on).
  port.once('close', () => stop(false));
  port.on('message', () => stop(true));
  post({ ready: true });
}
