import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';
import { INDEX_FROM_TABLES, INDEXED_TABLES, type IndexedTable } from './index-sql.js';

export type RebuildCounts = Record<IndexedTable, number>;

/**
 * Rewrites the whole search index from the tables (after a restore from an old backup, a
 * tokenizer change, or a suspicion). One transaction: searches see the old index until it commits.
 */
export async function rebuildSearchIndex(db: DbOrTx): Promise<RebuildCounts> {
  const run = async (tx: DbOrTx): Promise<RebuildCounts> => {
    const counts = { messages: 0, tickets: 0, contacts: 0 };
    for (const table of INDEXED_TABLES) {
      const fts = sql.table(`search_${table}`);
      await sql`insert into ${fts} (${fts}) values ('delete-all')`.execute(tx);
      const result = await sql.raw(INDEX_FROM_TABLES[table].replace('?', '0')).execute(tx);
      counts[table] = Number(result.numAffectedRows ?? 0);
    }
    return counts;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Merges the index's segments into one: faster searches after a bulk load. */
export async function optimizeSearchIndex(db: DbOrTx): Promise<void> {
  for (const table of INDEXED_TABLES) {
    const fts = sql.table(`search_${table}`);
    await sql`insert into ${fts} (${fts}) values ('optimize')`.execute(db);
  }
}
