import { sql } from 'kysely';
import type { DbOrTx } from '../db/database.js';

export interface RebuildCounts {
  messages: number;
  tickets: number;
  contacts: number;
}

/**
 * Rewrites the whole search index from the tables (after a restore from an old backup, a
 * tokenizer change, or a suspicion). One transaction: searches see the old index until it commits.
 */
export async function rebuildSearchIndex(db: DbOrTx): Promise<RebuildCounts> {
  const run = async (tx: DbOrTx): Promise<RebuildCounts> => {
    for (const table of ['search_messages', 'search_tickets', 'search_contacts']) {
      await sql`insert into ${sql.table(table)} (${sql.table(table)}) values ('delete-all')`.execute(tx);
    }
    const messages = await sql`insert into search_messages (rowid, words, chars)
      select id, kefu_search_words(text), kefu_search_chars(text) from messages`.execute(tx);
    const tickets = await sql`insert into search_tickets (rowid, words, chars)
      select id, kefu_search_words('#' || number || ' ' || subject), kefu_search_chars('#' || number || ' ' || subject)
      from tickets`.execute(tx);
    const contacts = await sql`insert into search_contacts (rowid, words, chars)
      select id, kefu_search_words(kefu_search_contact(name, email, phone)),
             kefu_search_chars(kefu_search_contact(name, email, phone))
      from contacts`.execute(tx);
    return {
      messages: Number(messages.numAffectedRows ?? 0),
      tickets: Number(tickets.numAffectedRows ?? 0),
      contacts: Number(contacts.numAffectedRows ?? 0),
    };
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Merges the index's segments into one: faster searches after a bulk load. */
export async function optimizeSearchIndex(db: DbOrTx): Promise<void> {
  for (const table of ['search_messages', 'search_tickets', 'search_contacts']) {
    await sql`insert into ${sql.table(table)} (${sql.table(table)}) values ('optimize')`.execute(db);
  }
}
