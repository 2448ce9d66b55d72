import { sql } from 'kysely';
import { documentVector, queryText } from '../../search/postgres-terms.js';
import { parseQuery, searchColumns } from '../../search/tokenize.js';
import type { IndexedArticle, KbHit, KbIndex } from './fts.js';

/**
 * kb_fts's weights (bm25 10 / 8 / 1 for title / questions / body) as ts_rank's per label, in
 * its order D, C, B, A: body unlabelled (D), questions B, title A; C is unused.
 */
const WEIGHTS = '{0.1, 0.1, 0.8, 1.0}';

/**
 * The knowledge base's index on PostgreSQL: kb_search_documents, one weighted tsvector per
 * article (title A, questions B, body D, every CJK character unpositioned), written in the
 * article's transaction as kb_fts is. Locale, status and category are read from kb_articles.
 * ts_rank orders close hits differently from bm25; ties go to the older article.
 */
export const postgresKbIndex: KbIndex = {
  async index(db, article: IndexedArticle) {
    const title = searchColumns(article.title);
    const questions = searchColumns(article.questions.join('\n'));
    const body = searchColumns(article.text);
    const chars = [title.chars, questions.chars, body.chars].filter((c) => c !== '').join(' ');
    const terms = documentVector([{ words: title.words, weight: 'A' }, { words: questions.words, weight: 'B' }, { words: body.words }], chars);
    await sql`insert into kb_search_documents (row_id, terms) values (${article.id}, ${terms}::tsvector)
      on conflict (row_id) do update set terms = excluded.terms`.execute(db);
  },

  async unindex(db, id) {
    await sql`delete from kb_search_documents where row_id = ${id}`.execute(db);
  },

  async search(db, q, filters, limit): Promise<KbHit[]> {
    const query = queryText(parseQuery(q), filters.mode ?? 'all');
    if (query === null) return [];
    const rows = await db
      .selectFrom('kb_search_documents')
      .innerJoin('kb_articles', 'kb_articles.id', 'kb_search_documents.row_id')
      .select(['kb_search_documents.row_id as id', sql<number>`-ts_rank(${WEIGHTS}::real[], kb_search_documents.terms, ${query}::tsquery, 1)`.as('rank')])
      .where(sql<boolean>`kb_search_documents.terms @@ ${query}::tsquery`)
      .$if(!!filters.locale, (qb) => qb.where('kb_articles.locale', '=', filters.locale!))
      .$if(!!filters.status, (qb) => qb.where('kb_articles.status', '=', filters.status!))
      .$if(filters.categoryId !== undefined, (qb) => qb.where('kb_articles.category_id', '=', filters.categoryId!))
      .orderBy('rank')
      .orderBy('kb_search_documents.row_id')
      .limit(limit)
      .execute();
    return rows;
  },
};
