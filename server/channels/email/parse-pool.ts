import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { AppContext } from '../../context.js';
import type { Logger } from '../../logger.js';
import { startWorker, workerScript, type WorkerScript } from '../../worker-thread.js';
import { parseEmailInline } from './parse-inline.js';
import type { ParsedEmail, ParseOptions } from './parse.js';

/** Main thread → worker: the raw bytes travel in their own, transferred ArrayBuffer. */
export interface ParseJob {
  id: number;
  raw: Uint8Array;
  opts: ParseOptions;
}

/** Worker → main thread: `ready` once its modules loaded, then one reply per job. */
export type ParseReply = { ready: true } | { id: number; parsed: ParsedEmail } | { id: number; error: string };

export interface ParsePoolOptions {
  logger: Logger;
  /** Worker threads; default one per core beyond the main thread's, at most two. */
  size?: number;
  /** Overrides the worker script (tests: one that cannot start). */
  script?: WorkerScript;
}

export interface ParsePoolStats {
  workers: number;
  inFlight: number;
  queued: number;
  /** Mails parsed on the main thread: their worker died or failed, none could start, or the pool was closed. */
  parsedInline: number;
  /** No worker could start: everything is parsed inline from now on. */
  disabled: boolean;
}

interface Job {
  id: number;
  raw: Buffer;
  opts: ParseOptions;
  resolve: (parsed: ParsedEmail) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  jobs: Map<number, Job>;
  error: unknown;
}

/** Two jobs per worker: the next mail is already there when one finishes, and FIFO order holds. */
const JOBS_PER_WORKER = 2;

export const defaultPoolSize = (): number => Math.max(1, Math.min(2, os.availableParallelism() - 1));

const defaultScript = (): WorkerScript => workerScript(import.meta.url, 'parse-worker');

/** An exact-size copy the worker can own, so transferring it detaches nothing of the caller's. */
function ownedCopy(raw: Buffer): Uint8Array {
  return new Uint8Array(raw);
}

/**
 * Parses mail (mailparser, sanitize-html, quote analysis: pure CPU) on worker threads, so the
 * main thread can store one mail while the next is being parsed. Results equal `parseEmail`'s,
 * attachments as Buffers. Like `parseEmail` it never fails for bad input: a job whose worker
 * dies, errs or cannot start is parsed inline instead. Jobs start in the order they were given.
 */
export class ParsePool {
  readonly #log: Logger;
  readonly #size: number;
  readonly #script: WorkerScript | null;
  readonly #queue: Job[] = [];
  readonly #slots = new Set<Slot>();
  #nextId = 1;
  #parsedInline = 0;
  #disabled = false;
  #closed = false;

  constructor(options: ParsePoolOptions) {
    this.#log = options.logger;
    this.#size = Math.max(1, options.size ?? defaultPoolSize());
    let script: WorkerScript | null = null;
    try {
      script = options.script ?? defaultScript();
    } catch (err) {
      this.#disable(err);
    }
    this.#script = script;
  }

  parse(raw: Buffer, opts: ParseOptions): Promise<ParsedEmail> {
    return new Promise<ParsedEmail>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, raw, opts, resolve, reject });
      this.#pump();
    });
  }

  stats(): ParsePoolStats {
    let inFlight = 0;
    for (const slot of this.#slots) inFlight += slot.jobs.size;
    return { workers: this.#slots.size, inFlight, queued: this.#queue.length, parsedInline: this.#parsedInline, disabled: this.#disabled };
  }

  /** The live worker threads (diagnostics, and tests that kill one mid-parse). */
  get threads(): Worker[] {
    return [...this.#slots].map((s) => s.worker);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#drainInline();
    // Jobs still on a worker are parsed inline by its exit handler.
    await Promise.all([...this.#slots].map((s) => s.worker.terminate()));
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      if (this.#disabled || this.#closed) return this.#drainInline();
      const slot = this.#pick();
      if (!slot) return;
      this.#send(slot, this.#queue.shift() as Job);
    }
  }

  /** The least busy worker with room, starting another while under size and all are busy. */
  #pick(): Slot | null {
    let best: Slot | null = null;
    for (const slot of this.#slots) {
      if (slot.jobs.size < JOBS_PER_WORKER && (!best || slot.jobs.size < best.jobs.size)) best = slot;
    }
    if ((!best || best.jobs.size > 0) && this.#slots.size < this.#size) return this.#spawn() ?? best;
    return best;
  }

  #spawn(): Slot | null {
    if (!this.#script) return null;
    let worker: Worker;
    try {
      worker = startWorker(this.#script);
    } catch (err) {
      this.#disable(err);
      return null;
    }
    const slot: Slot = { worker, ready: false, jobs: new Map(), error: null };
    worker.on('message', (msg: ParseReply) => this.#onReply(slot, msg));
    worker.on('error', (err) => {
      slot.error = err;
    });
    worker.on('exit', (code) => this.#onExit(slot, code));
    // Idle workers never keep the process alive; one with jobs does, or an awaited parse could
    // be abandoned by a process exiting under it.
    worker.unref();
    this.#slots.add(slot);
    return slot;
  }

  #send(slot: Slot, job: Job): void {
    slot.jobs.set(job.id, job);
    if (slot.jobs.size === 1) slot.worker.ref();
    const raw = ownedCopy(job.raw);
    slot.worker.postMessage({ id: job.id, raw, opts: job.opts } satisfies ParseJob, [raw.buffer as ArrayBuffer]);
  }

  #onReply(slot: Slot, msg: ParseReply): void {
    if ('ready' in msg) {
      slot.ready = true;
      return;
    }
    const job = slot.jobs.get(msg.id);
    if (!job) return;
    slot.jobs.delete(msg.id);
    if (slot.jobs.size === 0) slot.worker.unref();
    if ('parsed' in msg) {
      job.resolve(withBuffers(msg.parsed));
    } else {
      this.#log.warn({ err: msg.error }, 'parse worker failed on a mail; parsing it inline');
      this.#inline(job);
    }
    this.#pump();
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    const orphans = [...slot.jobs.values()];
    slot.jobs.clear();
    if (!this.#closed) {
      if (!slot.ready) this.#disable(slot.error ?? new Error(`worker exited with code ${code} before it was ready`));
      else this.#log.warn({ code, err: slot.error ? String(slot.error) : undefined, orphans: orphans.length }, 'parse worker died; replacing it');
    }
    // The mails it held are not lost: the main thread parses them.
    for (const job of orphans) this.#inline(job);
    this.#pump();
  }

  #disable(err: unknown): void {
    if (this.#disabled) return;
    this.#disabled = true;
    this.#log.error({ err: err instanceof Error ? err.message : String(err) }, 'parse workers cannot start; parsing mail on the main thread');
  }

  #drainInline(): void {
    for (const job of this.#queue.splice(0)) this.#inline(job);
  }

  #inline(job: Job): void {
    this.#parsedInline += 1;
    parseEmailInline(job.raw, job.opts).then(job.resolve, job.reject);
  }
}

/** Structured clone turns a Buffer into a plain Uint8Array; intake expects Buffers. */
function withBuffers(parsed: ParsedEmail): ParsedEmail {
  for (const a of parsed.attachments) {
    const c = a.content as Uint8Array;
    if (!Buffer.isBuffer(c)) a.content = Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  return parsed;
}

const pools = new WeakMap<AppContext, ParsePool>();

/** The context's parse pool, made on first use; its workers end when the context closes. */
export function parsePool(ctx: AppContext): ParsePool {
  let pool = pools.get(ctx);
  if (!pool) {
    const created = new ParsePool({ logger: ctx.logger.child({ subsystem: 'email-parse' }) });
    ctx.onClose(() => created.close());
    pools.set(ctx, created);
    pool = created;
  }
  return pool;
}
