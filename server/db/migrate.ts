import { Migrator, sql, type Migration, type MigrationResultSet } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { AnyDatabase } from './postgres.js';
import { snapshotDatabase } from './snapshot.js';
import { DatabaseStartupError } from './startup-error.js';
import { preparePostgresSchema } from './dialect-sql.js';

export interface MigrateResult {
  applied: string[];
  backupFile: string | null;
}

type MigrationSet = Record<string, Migration>;

export function migrator(database: AnyDatabase, set: MigrationSet = migrations): Migrator {
  return new Migrator({
    db: database.db,
    provider: { getMigrations: async () => set },
    migrationTableName: 'kefu_migrations',
    migrationLockTableName: 'kefu_migrations_lock',
  });
}

export async function pendingMigrations(database: AnyDatabase, set: MigrationSet = migrations): Promise<string[]> {
  const all = await migrator(database, set).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * Migrations the database has applied that this Kefu does not know: it was upgraded by a newer
 * Kefu, whose schema this one must not run on (nor migrate: the migrator would refuse anyway).
 */
export async function unknownMigrations(database: AnyDatabase, set: MigrationSet = migrations): Promise<string[]> {
  if (!(await hasMigrationTable(database))) return [];
  const rows = await sql<{ name: string }>`select name from kefu_migrations order by name`.execute(database.db);
  return rows.rows.map((r) => r.name).filter((name) => !(name in set));
}

async function hasMigrationTable(database: AnyDatabase): Promise<boolean> {
  const found =
    database.driver === 'postgres'
      ? await sql<{ found: boolean }>`select to_regclass('kefu_migrations') is not null as found`.execute(database.db)
      : await sql<{ found: number }>`select count(*) as found from sqlite_master where type = 'table' and name = 'kefu_migrations'`.execute(database.db);
  return Boolean(found.rows[0]?.found);
}

/**
 * Applies pending migrations. An existing SQLite database is snapshotted first so a failed
 * or regretted upgrade can be rolled back with `kefu restore`; PostgreSQL runs them all in one
 * transaction, so a failure leaves the schema as it was.
 */
export async function migrateToLatest(
  database: AnyDatabase,
  backupDir: string,
  set: MigrationSet = migrations,
): Promise<MigrateResult> {
  const unknown = await unknownMigrations(database, set);
  if (unknown.length > 0) {
    // Known names sort in order (a 4-digit number first), so the last is this version's newest.
    const newest = Object.keys(set).sort().at(-1) ?? 'none';
    throw new DatabaseStartupError(
      `the database schema is newer than this Kefu: it has migrations ${unknown.join(', ')}, and this version knows up to ${newest}; run the newer Kefu, or restore a backup taken before the upgrade`,
    );
  }
  const pending = await pendingMigrations(database, set);
  if (pending.length === 0) {
    refreshPlannerStatistics(database);
    return { applied: [], backupFile: null };
  }
  if (database.driver === 'postgres') return migratePostgres(database, set);
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
  throwIfFailed(result);
  refreshPlannerStatistics(database);
  return { applied: (result.results ?? []).map((r) => r.migrationName), backupFile };
}

async function migratePostgres(database: AnyDatabase, set: MigrationSet): Promise<MigrateResult> {
  await preparePostgresSchema(database.db);
  const result = await migrator(database, set).migrateToLatest();
  throwIfFailed(result);
  return { applied: (result.results ?? []).map((r) => r.migrationName), backupFile: null };
}

function throwIfFailed(result: MigrationResultSet): void {
  if (!result.error) return;
  const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
  const err = result.error instanceof Error ? result.error : new Error(String(result.error));
  throw new Error(`migration ${failed} failed: ${err.message}`, { cause: err });
}

/**
 * A new index has no statistics, and without them SQLite may cost it wrong and pick a slow plan.
 * `optimize` analyzes only the tables that need it; the 0x10000 bit makes it consider every
 * table, as after opening; analysis_limit samples each index so startup stays cheap at size.
 * PostgreSQL's autovacuum analyzes on its own.
 */
function refreshPlannerStatistics(database: AnyDatabase): void {
  if (database.driver !== 'sqlite' || database.sqlite.readonly) return;
  database.sqlite.pragma('analysis_limit = 400');
  database.sqlite.pragma('optimize = 0x10002');
}
