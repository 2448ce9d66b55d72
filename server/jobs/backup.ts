import { ConfigError } from '../config/load.js';
import type { AppContext } from '../context.js';
import { createBackup } from '../modules/backup/service.js';
import { isValidCron, type Job } from './scheduler.js';
import { findPgTool, PgToolMissing } from '../modules/backup/pg-tools.js';

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
  const logger = ctx.logger.child({ subsystem: 'backup' });
  const postgres = ctx.config.database.driver === 'postgres' ? { url: ctx.config.database.url ?? '', bin: ctx.config.backup.postgres_bin } : undefined;
  if (postgres) {
    // Without pg_dump every nightly backup fails: /readyz says so (the desk still works: not critical).
    ctx.health.register(
      'backup',
      () => {
        try {
          findPgTool('pg_dump', postgres.bin);
          return { ok: true };
        } catch (err) {
          if (err instanceof PgToolMissing) return { ok: false, message: err.message };
          throw err;
        }
      },
      { critical: false },
    );
  }
  return {
    name: 'backup',
    schedule,
    run: async () => {
      try {
        return await createBackup({ database: ctx.database, postgres, paths: ctx.paths, keep, logger });
      } catch (err) {
        // One clear line naming what to install, not a stack trace.
        if (err instanceof PgToolMissing) logger.error({ code: err.code }, `nightly backup skipped: ${err.message}`);
        else throw err;
      }
    },
  };
}
