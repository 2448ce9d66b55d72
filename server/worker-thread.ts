import { Worker } from 'node:worker_threads';

/** Where a worker thread's entry module is. */
export interface WorkerScript {
  url: URL;
  /** A module whose `register()` installs a loader in the thread before the script is imported. */
  loader?: string | undefined;
}

/**
 * The entry `name` (without extension) next to the module at `siblingOf` (its import.meta.url).
 * Run from dist the entry is plain JavaScript. Run from the TypeScript sources (tests, the
 * bench, `npm run dev`) it is a .ts file: the thread first registers tsx's loader, which it does
 * not inherit from its parent (nor does `--import tsx` in execArgv reach a worker's entry on
 * Node 20). tsx is a dev dependency; only source runs ask for it.
 */
export function workerScript(siblingOf: string, name: string): WorkerScript {
  if (!siblingOf.endsWith('.ts')) return { url: new URL(`./${name}.js`, siblingOf) };
  return { url: new URL(`./${name}.ts`, siblingOf), loader: import.meta.resolve('tsx/esm/api') };
}

export function startWorker(script: WorkerScript, workerData?: unknown): Worker {
  // Nothing of the parent's execArgv (--import tsx, --expose-gc, test runner flags) belongs in the thread.
  if (!script.loader) return new Worker(script.url, { execArgv: [], workerData });
  const boot = `import(${JSON.stringify(script.loader)}).then((m) => { m.register(); return import(${JSON.stringify(script.url.href)}); });`;
  return new Worker(boot, { eval: true, execArgv: [], workerData });
}
