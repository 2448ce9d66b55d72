import { EventEmitter } from 'node:events';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { startWorker, workerScript } from './worker-thread.js';

/** Main thread → background thread: run the task module at `url` with `data`, talking over `port`. */
export interface TaskLoad {
  id: number;
  url: string;
  data: unknown;
  port: MessagePort;
}
/** Background thread → main thread: task `id` could not be loaded or threw as it started. */
export interface TaskFailed {
  id: number;
  error: string;
}

/**
 * A task running on the background thread, as its owner sees it: messages over its own port,
 * `error` and `exit` as a Worker of its own would have them. `exit` comes once, when the task
 * closes its port (it has stopped), when it failed to start, or when the thread ended.
 */
export interface BackgroundTask<Reply> {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: Reply) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'exit', listener: (code: number) => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
  once(event: 'exit', listener: (code: number) => void): this;
  /** Stops listening to a task that does not stop by itself; the thread ends once no task is left. */
  terminate(): void;
}

class Task<Reply> extends EventEmitter implements BackgroundTask<Reply> {
  #ended = false;

  constructor(
    readonly id: number,
    readonly port: MessagePort,
    private readonly release: (task: Task<Reply>) => void,
  ) {
    super();
    port.on('message', (m) => this.emit('message', m));
    port.once('close', () => this.end(0));
  }

  postMessage(message: unknown): void {
    if (!this.#ended) this.port.postMessage(message);
  }

  terminate(): void {
    this.end(1);
  }

  /** An owner that stopped listening for errors is not crashed by one. */
  fail(err: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  end(code: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.port.close();
    this.release(this);
    this.emit('exit', code);
  }
}

/**
 * One worker thread for the process's small background tasks (the WAL checkpointer, the search
 * indexer). Each needs a thread only to keep its synchronous SQLite work off the main one, and
 * every thread is a V8 isolate of its own: sharing one took 6-9 MB off the server's RSS. A task
 * module's default export takes its port and data and ends the task by closing the port. The
 * thread starts with the first task and is ended with the last, so a process that stops its
 * tasks has no thread left. A task that throws out of a callback ends the thread, and with it
 * the other tasks: each owner already falls back for a thread that dies.
 */
let thread: { worker: Worker; tasks: Map<number, Task<unknown>> } | null = null;
let nextId = 1;

/** Runs the task module `name` next to `siblingOf` (its import.meta.url) on the background thread. */
export function startBackgroundTask<Reply>(siblingOf: string, name: string, data: unknown): BackgroundTask<Reply> {
  return startTaskAt<Reply>(workerScript(siblingOf, name).url, data);
}

/** As startBackgroundTask, for a task module at a URL (tests: one that cannot load). */
export function startTaskAt<Reply>(url: URL, data: unknown): BackgroundTask<Reply> {
  const current = (thread ??= startThread());
  const { port1, port2 } = new MessageChannel();
  const task = new Task<Reply>(nextId++, port1, (t) => {
    current.tasks.delete(t.id);
    if (current.tasks.size > 0) return;
    if (thread === current) thread = null;
    void current.worker.terminate();
  });
  current.tasks.set(task.id, task);
  current.worker.postMessage({ id: task.id, url: url.href, data, port: port2 } satisfies TaskLoad, [port2]);
  return task;
}

function startThread(): NonNullable<typeof thread> {
  const worker = startWorker(workerScript(import.meta.url, 'background-thread-entry'));
  const started = { worker, tasks: new Map<number, Task<unknown>>() };
  worker.on('message', (m: TaskFailed) => {
    const task = started.tasks.get(m.id);
    if (!task) return;
    task.fail(new Error(m.error));
    task.end(1);
  });
  worker.on('error', (err) => {
    for (const task of started.tasks.values()) task.fail(err);
  });
  worker.once('exit', (code) => {
    if (thread === started) thread = null;
    for (const task of [...started.tasks.values()]) task.end(code || 1);
  });
  return started;
}
