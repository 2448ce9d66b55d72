import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Database } from './database.js';
import { snapshotDatabase } from './snapshot.js';

export interface MigrateResult {
  applied: string[];
  backupFile: string | null;
}

type MigrationSet = Record<string, Migration>;

export function migrator(database: Database, set: MigrationSet = migrations): Migrator {
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => set },
    migrationTableName: 'kefu_migrations',
    migrationLockTableName: 'kefu_migrations_lock',
  });
}

export async function pendingMigrations(database: Database, set: MigrationSet = migrations): Promise<string[]> {
  const all = await migrator(database, set).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Applies pending migrations. An existing database is snapshotted first so a failed
 * or regretted upgrade can be rolled back with `kefu restore`.
 */
export async function migrateToLatest(
  database: Database,
  backupDir: string,
  set: MigrationSet = migrations,
): Promise<MigrateResult> {
  const pending = await pendingMigrations(database, set);
  if (pending.length === 0) {
    refreshPlannerStatistics(database);
    return { applied: [], backupFile: null };
  }
  const applied = (await migrator(database, set).getMigrations()).some((m) => m.executedAt !== undefined);
  const backupFile = applied ? await snapshotDatabase(database, backupDir, `pre-migrate-${pending[0]}`) : null;
  // A migration may loosen a CHECK through writable_schema, which defensive mode forbids.
  database.sqlite.unsafeMode(true);
  let result: MigrationResultSet;
  try {
    result = await migrator(database, set).migrateToLatest();
  } finally {
    database.sqlite.unsafeMode(false);
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`migration ${failed} failed: ${err.message}`, { cause: err });
  }
  refreshPlannerStatistics(database);
  return { applied: (result.results ?? []).map((r) => r.migrationName), backupFile };
}

/**
 * A new index has no statistics, and without them SQLite may cost it wrong and pick a slow plan.
 * `optimize` analyzes only the tables that need it; the 0x10000 bit makes it consider every
 * table, as after opening; analysis_limit samples each index so startup stays cheap at size.
 */
function refreshPlannerStatistics(database: Database): void {
  if (database.sqlite.readonly) return;
  database.sqlite.pragma('analysis_limit = 400');
  database.sqlite.pragma('optimize = 0x10002');
}
