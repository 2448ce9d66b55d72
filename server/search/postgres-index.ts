import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, DbOrTx } from '../db/database.js';
import { queryText, searchVector } from './postgres-terms.js';
import { contactSearchText, parseQuery } from './tokenize.js';
import { FILTER_WINDOW } from './queries.js';

type Kind = 'messages' | 'tickets' | 'contacts';

/** The text each kind of row is indexed by: as server/search/indexer.ts reads it on SQLite. */
async function textsOf(db: DbOrTx, kind: Kind, ids: number[]): Promise<Map<number, string>> {
  if (kind === 'messages') {
    const rows = await db.selectFrom('messages').select(['id', 'text']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, r.text]));
  }
  if (kind === 'tickets') {
    const rows = await db.selectFrom('tickets').select(['id', 'number', 'subject']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, `#${r.number} ${r.subject}`]));
  }
  const rows = await db.selectFrom('contacts').select(['id', 'name', 'email', 'phone']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, contactSearchText(r.name, r.email, r.phone)]));
}

/**
 * Indexes up to `limit` queued rows (inserted, edited or deleted; triggers of 0009 queue them)
 * into search_documents, in one transaction with taking them off the queue. SKIP LOCKED lets
 * several processes drain the queue at once without indexing a row twice. Returns how many
 * queue entries it took: 0 means caught up.
 */
export async function indexPostgresQueue(db: Db, limit = 500): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const taken = await sql<{ kind: Kind; row_id: number }>`
      delete from search_queue where id in (select id from search_queue order by id limit ${limit} for update skip locked)
      returning kind, row_id`.execute(tx);
    const byKind = new Map<Kind, Set<number>>();
    for (const { kind, row_id } of taken.rows) byKind.set(kind, (byKind.get(kind) ?? new Set()).add(row_id));
    for (const [kind, idSet] of byKind) {
      const ids = [...idSet];
      const texts = await textsOf(tx, kind, ids);
      const gone = ids.filter((id) => !texts.has(id));
      if (gone.length > 0) await sql`delete from search_documents where kind = ${kind} and row_id = any(${gone}::bigint[])`.execute(tx);
      if (texts.size === 0) continue;
      // One statement per kind, not per row: a statement each made rebuilding a million
      // documents (kefu migrate-to-postgres) take the better part of an hour.
      const rowIds = [...texts.keys()];
      const vectors = rowIds.map((id) => searchVector(texts.get(id)));
      await sql`insert into search_documents (kind, row_id, terms)
          select ${kind}, u.row_id, u.terms::tsvector from unnest(${rowIds}::bigint[], ${vectors}::text[]) as u(row_id, terms)
          on conflict (kind, row_id) do update set terms = excluded.terms`.execute(tx);
    }
    return taken.rows.length;
  });
}

/** Whether anything committed waits in search_queue (rows another process is indexing count). */
export async function queueHasRows(db: Db): Promise<boolean> {
  const found = await sql<{ queued: boolean }>`select exists (select 1 from search_queue) as queued`.execute(db);
  return found.rows[0]?.queued === true;
}

/** Rows of search_documents holding every term of q; null when q has nothing searchable. */
function documentsMatching(kind: Kind, q: string): RawBuilder<unknown> | null {
  const query = queryText(parseQuery(q));
  if (query === null) return null;
  // The kind as a literal: a kept statement's generic plan can then use the contacts' partial index (0038).
  return sql`select row_id from search_documents where kind = ${sql.lit(kind)} and terms @@ ${query}::tsquery`;
}

/**
 * PostgreSQL's ticket list condition (server/search/sqlite-text-queries.ts ticketCondition):
 * tickets whose number or subject matches q, or that hold one of the newest FILTER_WINDOW
 * matching messages. Null when q has nothing searchable.
 */
export function postgresTicketSearchCondition(q: string): RawBuilder<SqlBool> | null {
  const tickets = documentsMatching('tickets', q);
  const messages = documentsMatching('messages', q);
  if (tickets === null || messages === null) return null;
  return sql<SqlBool>`(tickets.id in (${tickets})
    or tickets.id in (select ticket_id from messages where id in (${messages} order by row_id desc limit ${FILTER_WINDOW})))`;
}

/** The same for `contacts.id` (GET /contacts?q=). */
export function postgresContactSearchCondition(q: string): RawBuilder<SqlBool> | null {
  const contacts = documentsMatching('contacts', q);
  return contacts === null ? null : sql<SqlBool>`contacts.id in (${contacts})`;
}
