import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { bigrams, parseQuery, searchColumns, type QueryTerm } from '../../search/tokenize.js';

export interface IndexedArticle {
  id: number;
  title: string;
  questions: readonly string[];
  /** The article as plain text (markdown rendered and stripped). */
  text: string;
}

/** Rewrites the article's row in kb_fts; call inside the transaction that wrote the article. */
export async function indexArticle(db: DbOrTx, article: IndexedArticle): Promise<void> {
  const title = searchColumns(article.title);
  const questions = searchColumns(article.questions.join('\n'));
  const body = searchColumns(article.text);
  const chars = [title.chars, questions.chars, body.chars].filter((c) => c !== '').join(' ');
  await unindexArticle(db, article.id);
  await sql`insert into kb_fts (rowid, title, questions, body, chars)
    values (${article.id}, ${title.words}, ${questions.words}, ${body.words}, ${chars})`.execute(db);
}

export async function unindexArticle(db: DbOrTx, id: number): Promise<void> {
  await sql`delete from kb_fts where rowid = ${id}`.execute(db);
}

const quote = (token: string): string => `"${token.replace(/"/g, '""')}"`;
const TEXT = '{title questions body}';

/**
 * The MATCH expression for a query, shaped exactly as the ticket search shapes it (same
 * tokenizer: CJK runs as phrases of bigrams, one CJK character through `chars`), but over the
 * article's three text columns. Null when nothing in the query is searchable.
 */
export function kbMatchExpression(q: string): string | null {
  const parts = parseQuery(q).map((term: QueryTerm) => {
    if (term.kind === 'word') return Array.from(term.text).length > 1 ? `${TEXT} : ${quote(term.text)}*` : `${TEXT} : ${quote(term.text)}`;
    if (Array.from(term.text).length === 1) return `chars : ${quote(term.text)}`;
    return `${TEXT} : ${quote(bigrams(term.text).join(' '))}`;
  });
  return parts.length > 0 ? parts.join(' AND ') : null;
}

/**
 * bm25 weights per column: a hit in the title or an alternative question says far more about
 * what the article answers than one somewhere in its body.
 */
export const RANK = sql<number>`bm25(kb_fts, 10.0, 8.0, 1.0, 1.0)`;
