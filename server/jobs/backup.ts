import { ConfigError } from '../config/load.js';
import type { AppContext } from '../context.js';
import { createBackup } from '../modules/backup/service.js';
import { isValidCron, type Job } from './scheduler.js';
import { sqliteOnly } from '../db/sqlite-only.js';

/** The nightly backup (config.backup): one archive per run, keeping the newest `keep`. */
export function backupJob(ctx: AppContext): Job {
  const { schedule, keep } = ctx.config.backup;
  if (!isValidCron(schedule)) {
    // Reported like any other config mistake, so `kefu serve` exits with code 2.
    throw new ConfigError(
      [`backup.schedule: expected a cron expression like "30 3 * * *", got ${JSON.stringify(schedule)}`],
      ctx.config.config_path ?? 'built-in defaults',
    );
  }
  return {
    name: 'backup',
    schedule,
    run: () =>
      createBackup({
        database: sqliteOnly(ctx.database, 'backups'),
        paths: ctx.paths,
        keep,
        logger: ctx.logger.child({ subsystem: 'backup' }),
      }),
  };
}
