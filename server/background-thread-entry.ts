import { parentPort, type MessagePort } from 'node:worker_threads';
import type { TaskFailed, TaskLoad } from './background-thread.js';

/** The background thread (server/background-thread.ts): loads and runs the tasks it is given. */
const port = parentPort;
if (!port) throw new Error('background-thread-entry runs only as a worker thread');

type TaskModule = { default: (port: MessagePort, data: unknown) => void };

port.on('message', (load: TaskLoad) => {
  void import(load.url)
    .then((task: TaskModule) => task.default(load.port, load.data))
    .catch((err: unknown) => {
      // The main thread closes the task's port on hearing this, so it learns why before it sees the end.
      port.postMessage({ id: load.id, error: err instanceof Error ? err.message : String(err) } satisfies TaskFailed);
    });
});
