import type { Database, DbOrTx } from '../../db/database.js';
import type { Conditions } from './conditions.js';
import { conditionsOf } from './presenter.js';
import { listPolicyRows, type SlaPolicyRow } from './queries.js';

export interface CachedPolicy {
  row: SlaPolicyRow;
  conditions: Conditions;
}

const cache = new WeakMap<Database, CachedPolicy[]>();

/**
 * The policies in the order they are tried, with their conditions parsed: every new ticket chooses
 * among them, and they change a few times a year. Read through `db` on a miss; every write to
 * sla_policies calls forgetPolicies inside its own transaction, and the database has one
 * connection, so no transaction can load the old rows after that write commits.
 */
export async function cachedPolicies(database: Database, db: DbOrTx): Promise<CachedPolicy[]> {
  const hit = cache.get(database);
  if (hit) return hit;
  const policies = (await listPolicyRows(db)).map((row) => ({ row, conditions: conditionsOf(row) }));
  cache.set(database, policies);
  return policies;
}

export function forgetPolicies(database: Database): void {
  cache.delete(database);
}
