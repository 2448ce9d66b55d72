import type { AppContext } from '../context.js';
import { createBackup } from '../modules/backup/service.js';
import type { Job } from './scheduler.js';

/** The nightly backup (config.backup): one archive per run, keeping the newest `keep`. */
export function backupJob(ctx: AppContext): Job {
  return {
    name: 'backup',
    schedule: ctx.config.backup.schedule,
    run: () =>
      createBackup({
        database: ctx.database,
        paths: ctx.paths,
        keep: ctx.config.backup.keep,
        logger: ctx.logger.child({ subsystem: 'backup' }),
      }),
  };
}
