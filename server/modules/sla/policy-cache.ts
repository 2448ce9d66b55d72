import type { Database, DbOrTx } from '../../db/database.js';
import type { AnyDatabase } from '../../db/postgres.js';
import type { Conditions } from './conditions.js';
import { conditionsOf } from './presenter.js';
import { listPolicyRows } from './queries.js';
import type { SlaPolicyRow } from './queries.js';

export interface CachedPolicy {
  row: SlaPolicyRow;
  conditions: Conditions;
}

/** How long PostgreSQL's copy is trusted: another process's policy change shows within this. */
export const POLICY_TTL_MS = 2_000;

/** One per database, chosen by its driver on first use. */
interface PolicyCache {
  policies(db: DbOrTx): Promise<CachedPolicy[]>;
  forget(): void;
}

const load = async (db: DbOrTx): Promise<CachedPolicy[]> => (await listPolicyRows(db)).map((row) => ({ row, conditions: conditionsOf(row) }));

/**
 * SQLite: this process's policy writes call forgetPolicies inside their own transaction, and the
 * database has one connection here, so no transaction loads the old rows after such a write
 * commits; another process on the same file (a mail pipe) moves `pragma data_version` with any
 * commit, which also reloads them.
 */
function sqlitePolicyCache(database: Database): PolicyCache {
  const dataVersion = database.sqlite.prepare<[], number>('pragma data_version').pluck();
  let entry: { policies: CachedPolicy[]; version: number } | null = null;
  return {
    async policies(db) {
      const version = dataVersion.get() as number;
      if (entry && entry.version === version) return entry.policies;
      const policies = await load(db);
      entry = { policies, version };
      return policies;
    },
    forget() {
      entry = null;
    },
  };
}

/**
 * PostgreSQL: the pool's connections see commits at different moments, so a forget also bumps a
 * generation and a load that began before it is not kept. Other processes' writes show after the TTL.
 */
function postgresPolicyCache(): PolicyCache {
  let entry: { policies: CachedPolicy[]; at: number } | null = null;
  let generation = 0;
  return {
    async policies(db) {
      if (entry && Date.now() - entry.at < POLICY_TTL_MS) return entry.policies;
      const started = generation;
      const at = Date.now();
      const policies = await load(db);
      if (started === generation) entry = { policies, at };
      return policies;
    },
    forget() {
      generation++;
      entry = null;
    },
  };
}

const caches = new WeakMap<AnyDatabase, PolicyCache>();

function cacheOf(database: AnyDatabase): PolicyCache {
  let cache = caches.get(database);
  if (!cache) {
    cache = database.driver === 'sqlite' ? sqlitePolicyCache(database) : postgresPolicyCache();
    caches.set(database, cache);
  }
  return cache;
}

/**
 * The policies in the order they are tried, with their conditions parsed: every new ticket chooses
 * among them, and they change a few times a year. Read through `db` on a miss.
 */
export const cachedPolicies = (database: AnyDatabase, db: DbOrTx): Promise<CachedPolicy[]> => cacheOf(database).policies(db);

/** Call inside the policy write's transaction and again on its commit. */
export function forgetPolicies(database: AnyDatabase): void {
  cacheOf(database).forget();
}
