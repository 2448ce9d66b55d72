import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/schema.js';
import { databaseFile, openDatabase } from '../../db/database.js';
import { openPostgres } from '../../db/postgres.js';
import type { Logger } from '../../logger.js';
import { restoreBackup, type RestoreResult } from './restore.js';
import { createBackup, type BackupResult } from './service.js';

/** Paths as the running server derives them (see createContext). */
export function dataPaths(config: Config): { data: string; backups: string; attachments: string } {
  return {
    data: config.data_dir,
    backups: path.join(config.data_dir, 'backups'),
    attachments: path.join(config.data_dir, 'attachments'),
  };
}

/** database.url and backup.postgres_bin, for the PostgreSQL client programs; undefined on SQLite. */
export function postgresTools(config: Config): { url: string; bin?: string | undefined } | undefined {
  return config.database.driver === 'postgres' ? { url: config.database.url ?? '', bin: config.backup.postgres_bin } : undefined;
}

/**
 * `kefu backup`: safe while the server runs (the online backup API, or pg_dump's snapshot,
 * copies a consistent state); the database is opened without migrating so a backup never changes it.
 */
export async function runBackupCommand(config: Config, logger: Logger): Promise<BackupResult> {
  const paths = dataPaths(config);
  const postgres = postgresTools(config);
  if (postgres) {
    const database = openPostgres({ url: postgres.url, poolSize: 1 });
    try {
      return await createBackup({ database, postgres, paths, keep: config.backup.keep, logger });
    } finally {
      await database.close();
    }
  }
  const file = databaseFile(paths.data);
  if (!existsSync(file)) throw new Error(`no Kefu database in ${paths.data}; nothing to back up`);
  const database = openDatabase(file);
  try {
    return await createBackup({ database, paths, keep: config.backup.keep, logger });
  } finally {
    await database.close();
  }
}

/** `kefu restore <file>`: only into a stopped instance; see restoreBackup. */
export function runRestoreCommand(config: Config, archive: string): Promise<RestoreResult> {
  return restoreBackup(config.data_dir, path.resolve(archive), { postgres: postgresTools(config) });
}
