import type { Database, DbOrTx } from '../../db/database.js';
import type { Conditions } from './conditions.js';
import { conditionsOf } from './presenter.js';
import { listPolicyRows, type SlaPolicyRow } from './queries.js';

export interface CachedPolicy {
  row: SlaPolicyRow;
  conditions: Conditions;
}

interface Entry {
  policies: CachedPolicy[];
  /** SQLite's data_version when they were read: it moves when another connection commits */
  version: number;
}

const cache = new WeakMap<Database, Entry>();
const versionOf = new WeakMap<Database, () => number>();

function dataVersion(database: Database): number {
  let read = versionOf.get(database);
  if (!read) {
    const stmt = database.sqlite.prepare<[], number>('pragma data_version').pluck();
    read = () => stmt.get() as number;
    versionOf.set(database, read);
  }
  return read();
}

/**
 * The policies in the order they are tried, with their conditions parsed: every new ticket chooses
 * among them, and they change a few times a year. Read through `db` on a miss. This process's
 * policy writes call forgetPolicies inside their own transaction, and the database has one
 * connection here, so no transaction loads the old rows after such a write commits; another process
 * on the same file (a mail pipe) moves data_version with any commit, which also reloads them.
 */
export async function cachedPolicies(database: Database, db: DbOrTx): Promise<CachedPolicy[]> {
  const version = dataVersion(database);
  const hit = cache.get(database);
  if (hit && hit.version === version) return hit.policies;
  const policies = (await listPolicyRows(db)).map((row) => ({ row, conditions: conditionsOf(row) }));
  cache.set(database, { policies, version });
  return policies;
}

export function forgetPolicies(database: Database): void {
  cache.delete(database);
}
