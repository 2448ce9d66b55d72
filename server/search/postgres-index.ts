import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { Db, DbOrTx } from '../db/database.js';
import { requiredTerms, searchTerms } from './postgres-terms.js';
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
      for (const [id, text] of texts) {
        const terms = searchTerms(text);
        await sql`insert into search_documents (kind, row_id, words, chars) values (${kind}, ${id}, ${terms.words}, ${terms.chars})
          on conflict (kind, row_id) do update set words = excluded.words, chars = excluded.chars`.execute(tx);
      }
    }
    return taken.rows.length;
  });
}

/** Documents of `kind` holding every term of q, as a condition on search_documents. */
function documentsMatching(q: string): RawBuilder<SqlBool> | null {
  const terms = parseQuery(q);
  if (terms.length === 0) return null;
  return sql.join(
    terms.map((term) => {
      const need = requiredTerms(term);
      return sql<SqlBool>`${sql.ref(`search_documents.${need.column}`)} @> ${need.terms}::text[]`;
    }),
    sql` and `,
  ) as RawBuilder<SqlBool>;
}

/**
 * PostgreSQL's ticketSearchCondition (server/search/queries.ts): tickets whose number or subject
 * matches q, or that hold one of the newest FILTER_WINDOW matching messages. Null when q has
 * nothing searchable.
 */
export function postgresTicketSearchCondition(q: string): RawBuilder<SqlBool> | null {
  const match = documentsMatching(q);
  if (match === null) return null;
  return sql<SqlBool>`(tickets.id in (select row_id from search_documents where kind = 'tickets' and ${match})
    or tickets.id in (select ticket_id from messages where id in
      (select row_id from search_documents where kind = 'messages' and ${match} order by row_id desc limit ${FILTER_WINDOW})))`;
}
