import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../../../server/config/load.js';
import { createContext } from '../../../server/context.js';
import { ConfigError } from '../../../server/config/load.js';
import { backupJob } from '../../../server/jobs/backup.js';
import { Scheduler } from '../../../server/jobs/scheduler.js';
import { createLogger } from '../../../server/logger.js';
import { listBackups } from '../../../server/modules/backup/service.js';

const logger = createLogger('silent');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('scheduler', () => {
  it('runs a job on its cron schedule', async () => {
    const scheduler = new Scheduler(logger);
    cleanups.push(() => scheduler.stop());
    const ran = new Promise<Date>((resolve) => {
      scheduler.add({ name: 'tick', schedule: '* * * * * *', run: async () => resolve(new Date()) });
    });
    scheduler.start();
    expect(await ran).toBeInstanceOf(Date);
  });

  it('rejects an invalid cron expression naming the job', () => {
    const scheduler = new Scheduler(logger);
    expect(() => scheduler.add({ name: 'nightly', schedule: '61 25 * * *', run: async () => {} })).toThrow(/nightly/);
  });

  it('never overlaps runs of one job and waits for the run in flight on stop', async () => {
    const scheduler = new Scheduler(logger);
    let runs = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let finished = false;
    scheduler.add({
      name: 'slow',
      schedule: '0 0 1 1 *',
      run: async () => {
        runs++;
        await gate;
        finished = true;
      },
    });
    const first = scheduler.runNow('slow');
    const second = scheduler.runNow('slow');
    expect(runs).toBe(1);
    const stopped = scheduler.stop();
    finish();
    await Promise.all([first, second, stopped]);
    expect(finished).toBe(true);
  });

  it('keeps running a job after a failure', async () => {
    const scheduler = new Scheduler(logger);
    let calls = 0;
    scheduler.add({
      name: 'flaky',
      schedule: '0 0 1 1 *',
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('first run fails');
      },
    });
    await scheduler.runNow('flaky');
    await scheduler.runNow('flaky');
    expect(calls).toBe(2);
  });

  it('writes backups from config.backup and prunes to keep', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-jobs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const ctx = await createContext(configFromObject({ data_dir: dir, backup: { keep: 2 } }), logger);
    cleanups.push(() => ctx.close());
    const scheduler = new Scheduler(logger);
    const job = backupJob(ctx);
    expect(job.schedule).toBe('30 3 * * *');
    scheduler.add(job);
    for (let i = 0; i < 3; i++) await scheduler.runNow('backup');
    expect(listBackups(ctx.paths.backups)).toHaveLength(2);
  });

  it('reports an invalid backup.schedule as a config error naming the key', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-jobs-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Checked with the rest of the file, before a database exists.
    const load = () => configFromObject({ data_dir: dir, backup: { schedule: 'every night' } });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/backup\.schedule/);
  });
});
