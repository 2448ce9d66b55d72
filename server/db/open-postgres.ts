import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { migrateToLatest } from './migrate.js';
import type { PostgresDatabase } from './postgres.js';
import { connectPostgres } from './postgres-startup.js';

/**
 * What start-up does on the postgres driver: connect (a failure names database.url), refuse a
 * schema from a newer Kefu, apply pending migrations.
 */
export async function openConfiguredPostgres(config: Config, logger: Logger): Promise<PostgresDatabase> {
  const url = config.database.url;
  if (!url) throw new Error('database.url is required with the postgres driver (the config loader checks this)');
  const database = await connectPostgres({ url, poolSize: config.database.pool_size, logger: logger.child({ subsystem: 'database' }) });
  try {
    const migrated = await migrateToLatest(database, '');
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied, database: database.url }, 'database migrated');
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}
