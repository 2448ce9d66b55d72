import { createTask, validate, type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger.js';
import type { LeaderLocks } from './leader-locks.js';

/** A cron job: a small declaration calling one module service. */
export interface Job {
  name: string;
  /** cron expression (5 or 6 fields), server time zone */
  schedule: string;
  run(): Promise<unknown>;
}

export const isValidCron = (expression: string): boolean => validate(expression);

/**
 * Runs jobs on their schedules. A run never overlaps the previous run of the same job,
 * a failure is logged and the job runs again next time, and stop() waits for runs in flight
 * so shutdown never cuts a backup in half. With several processes on one database (`locks`),
 * a run happens only in the process that leads that job.
 */
export class Scheduler {
  readonly #logger: Logger;
  readonly #jobs = new Map<string, { job: Job; task: ScheduledTask | null }>();
  readonly #running = new Map<string, Promise<void>>();
  #started = false;

  constructor(
    logger: Logger,
    private readonly locks: LeaderLocks | null = null,
  ) {
    this.#logger = logger.child({ subsystem: 'scheduler' });
  }

  add(job: Job): void {
    if (this.#jobs.has(job.name)) throw new Error(`job ${job.name} is already scheduled`);
    if (!validate(job.schedule)) throw new Error(`job ${job.name}: invalid cron expression "${job.schedule}"`);
    const entry = { job, task: null as ScheduledTask | null };
    this.#jobs.set(job.name, entry);
    if (this.#started) entry.task = this.#schedule(job);
  }

  jobNames(): string[] {
    return [...this.#jobs.keys()];
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#jobs.values()) entry.task = this.#schedule(entry.job);
  }

  /** Runs a job now, outside its schedule; joins the run in flight if there is one. */
  runNow(name: string): Promise<void> {
    const entry = this.#jobs.get(name);
    if (!entry) return Promise.reject(new Error(`no job named ${name}`));
    return this.#run(entry.job);
  }

  async stop(): Promise<void> {
    this.#started = false;
    for (const entry of this.#jobs.values()) {
      await entry.task?.destroy();
      entry.task = null;
    }
    await Promise.allSettled([...this.#running.values()]);
  }

  #schedule(job: Job): ScheduledTask {
    const task = createTask(job.schedule, () => this.#run(job), { name: job.name });
    void task.start();
    return task;
  }

  #run(job: Job): Promise<void> {
    const inFlight = this.#running.get(job.name);
    if (inFlight) {
      this.#logger.warn({ job: job.name }, 'job still running; skipping this run');
      return inFlight;
    }
    const started = Date.now();
    const run = (async () => {
      try {
        if (this.locks && !(await this.locks.acquire(`job:${job.name}`))) return;
        await job.run();
        this.#logger.info({ job: job.name, ms: Date.now() - started }, 'job finished');
      } catch (err) {
        this.#logger.error({ job: job.name, err, ms: Date.now() - started }, 'job failed');
      } finally {
        this.#running.delete(job.name);
      }
    })();
    this.#running.set(job.name, run);
    return run;
  }
}
