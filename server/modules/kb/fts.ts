import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { isPostgres } from '../../db/dialect-sql.js';
import { postgresKbIndex } from './postgres-fts.js';
import { bigrams, parseQuery, searchColumns, type QueryTerm } from '../../search/tokenize.js';
import type { KbLocale, KbStatus } from './tables.js';

export interface IndexedArticle {
  id: number;
  title: string;
  questions: readonly string[];
  /** The article as plain text (markdown rendered and stripped). */
  text: string;
  locale: KbLocale;
  status: KbStatus;
  categoryId: number | null;
}

/** Filter tokens in the `meta` column: letters and digits only, so unicode61 keeps each whole. */
const localeToken = (locale: KbLocale) => `l${locale.replace('-', '').toLowerCase()}`;
const statusToken = (status: KbStatus) => `s${status}`;
const categoryToken = (id: number) => `c${id}`;

/** Rewrites the article's row in the index; call inside the transaction that wrote the article. */
export async function indexArticle(db: DbOrTx, article: IndexedArticle): Promise<void> {
  await kbIndexFor(db).index(db, article);
}

export async function unindexArticle(db: DbOrTx, id: number): Promise<void> {
  await kbIndexFor(db).unindex(db, id);
}

export interface KbHit {
  id: number;
  /** Lower is better, as bm25's. */
  rank: number;
}

/**
 * The knowledge base's full-text index, one per driver: kb_fts (FTS5) on SQLite,
 * kb_search_documents (a weighted tsvector behind GIN, kb/postgres-fts.ts) on PostgreSQL.
 */
export interface KbIndex {
  index(db: DbOrTx, article: IndexedArticle): Promise<void>;
  unindex(db: DbOrTx, id: number): Promise<void>;
  /** The best `limit` articles matching q within the filters, best first. */
  search(db: DbOrTx, q: string, filters: MatchFilters, limit: number): Promise<KbHit[]>;
}

export const kbIndexFor = (db: DbOrTx): KbIndex => (isPostgres(db) ? postgresKbIndex : sqliteKbIndex);

async function indexInFts(db: DbOrTx, article: IndexedArticle): Promise<void> {
  const title = searchColumns(article.title);
  const questions = searchColumns(article.questions.join('\n'));
  const body = searchColumns(article.text);
  const chars = [title.chars, questions.chars, body.chars].filter((c) => c !== '').join(' ');
  const meta = [localeToken(article.locale), statusToken(article.status), article.categoryId !== null ? categoryToken(article.categoryId) : 'cnone'].join(' ');
  await unindexInFts(db, article.id);
  await sql`insert into kb_fts (rowid, title, questions, body, chars, meta)
    values (${article.id}, ${title.words}, ${questions.words}, ${body.words}, ${chars}, ${meta})`.execute(db);
}

async function unindexInFts(db: DbOrTx, id: number): Promise<void> {
  await sql`delete from kb_fts where rowid = ${id}`.execute(db);
}

const quote = (token: string): string => `"${token.replace(/"/g, '""')}"`;
const TEXT = '{title questions body}';

export interface MatchFilters {
  locale?: KbLocale | null;
  status?: KbStatus | null;
  categoryId?: number;
  /**
   * 'all' (a search box): every term must match, a CJK run as a phrase. 'any' (a customer's
   * whole message, for suggestions): any word or bigram may match, and bm25 ranks articles
   * sharing more of them first.
   */
  mode?: 'all' | 'any';
}

/**
 * The MATCH expression for a query, shaped exactly as the ticket search shapes it (same
 * tokenizer: CJK runs as phrases of bigrams, one CJK character through `chars`), but over the
 * article's three text columns, plus the filters. Null when nothing in the query is searchable.
 */
export function kbMatchExpression(q: string, filters: MatchFilters = {}): string | null {
  const terms = parseQuery(q);
  const parts = filters.mode === 'any' ? anyTerms(terms) : terms.map(allTerm);
  if (parts.length === 0) return null;
  if (filters.mode === 'any') parts.splice(0, parts.length, `(${parts.join(' OR ')})`);
  if (filters.locale) parts.push(`meta : ${localeToken(filters.locale)}`);
  if (filters.status) parts.push(`meta : ${statusToken(filters.status)}`);
  if (filters.categoryId !== undefined) parts.push(`meta : ${categoryToken(filters.categoryId)}`);
  return parts.join(' AND ');
}

function allTerm(term: QueryTerm): string {
  if (term.kind === 'word') return Array.from(term.text).length > 1 ? `${TEXT} : ${quote(term.text)}*` : `${TEXT} : ${quote(term.text)}`;
  if (Array.from(term.text).length === 1) return `chars : ${quote(term.text)}`;
  return `${TEXT} : ${quote(bigrams(term.text).join(' '))}`;
}

/** Words of two letters or more and CJK bigrams, each on its own; single characters say too little. */
function anyTerms(terms: readonly QueryTerm[]): string[] {
  const out = new Set<string>();
  for (const term of terms) {
    if (term.kind === 'word') {
      if (Array.from(term.text).length > 1) out.add(`${TEXT} : ${quote(term.text)}`);
    } else if (Array.from(term.text).length > 1) {
      for (const pair of bigrams(term.text)) out.add(`${TEXT} : ${quote(pair)}`);
    }
  }
  return [...out].slice(0, 64);
}

/**
 * bm25 weights per column: a hit in the title or an alternative question says far more about
 * what the article answers than one somewhere in its body; the filter tokens say nothing.
 */
export const RANK = sql<number>`bm25(kb_fts, 10.0, 8.0, 1.0, 1.0, 0.0)`;

const sqliteKbIndex: KbIndex = {
  index: indexInFts,
  unindex: unindexInFts,
  async search(db, q, filters, limit) {
    const match = kbMatchExpression(q, filters);
    if (match === null) return [];
    // Filtered, ranked and cut inside FTS5.
    const hits = await sql<KbHit>`select rowid as id, ${RANK} as rank from kb_fts where kb_fts match ${match} order by rank limit ${limit}`.execute(db);
    return hits.rows;
  },
};
