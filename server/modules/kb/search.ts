import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { kbIndexFor } from './fts.js';
import { presentArticleSummary, SUMMARY_COLUMNS } from './presenter.js';
import type { ArticleSummary, SearchHit } from './schemas.js';
import type { KbLocale, KbStatus } from './tables.js';

export interface ArticleFilters {
  locale?: KbLocale | undefined;
  status?: KbStatus | undefined;
  categoryId?: number | undefined;
  q?: string | undefined;
  limit?: number | undefined;
}

/** Where the query's first term shows up in the text, with some context; the start otherwise. */
export function snippetOf(text: string, q: string, width = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const first = q.trim().split(/\s+/)[0] ?? '';
  const at = first === '' ? -1 : flat.toLowerCase().indexOf(first.toLowerCase());
  const start = at < 0 ? 0 : Math.max(0, at - Math.floor(width / 3));
  const cut = flat.slice(start, start + width);
  return `${start > 0 ? '…' : ''}${cut}${start + width < flat.length ? '…' : ''}`;
}

/**
 * Articles matching a query, best first: title and alternative-question hits outrank body hits.
 * The one search the help center, the agent app and (later) the answer bot and reply
 * suggestions share. `status` defaults to published; pass null for every status.
 */
export async function searchArticles(
  ctx: Pick<AppContext, 'db'>,
  query: string,
  locale: KbLocale | null,
  limit: number,
  options: { status?: KbStatus | null; categoryId?: number; db?: DbOrTx; mode?: 'all' | 'any' } = {},
): Promise<SearchHit[]> {
  const status = options.status === undefined ? 'published' : options.status;
  const db = options.db ?? ctx.db;
  // Filtered, ranked and cut inside the index; only the hits shown are read from kb_articles.
  const hits = await kbIndexFor(db).search(db, query, {
    locale,
    status,
    mode: options.mode ?? 'all',
    ...(options.categoryId !== undefined ? { categoryId: options.categoryId } : {}),
  }, limit);
  if (hits.length === 0) return [];
  const rows = await db
    .selectFrom('kb_articles')
    .select([...SUMMARY_COLUMNS, 'body_text'])
    .where('id', 'in', hits.map((h) => h.id))
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return hits.flatMap((hit) => {
    const row = byId.get(hit.id);
    return row ? [{ ...presentArticleSummary(row), snippet: snippetOf(row.body_text, query), score: -hit.rank }] : [];
  });
}

/** The agent app's list: any status, newest edit first, or ranked by a query when there is one. */
export async function listArticles(ctx: Pick<AppContext, 'db'>, filters: ArticleFilters): Promise<ArticleSummary[]> {
  const limit = filters.limit ?? 200;
  if (filters.q && filters.q.trim() !== '') {
    return searchArticles(ctx, filters.q, filters.locale ?? null, limit, {
      status: filters.status ?? null,
      ...(filters.categoryId !== undefined ? { categoryId: filters.categoryId } : {}),
    });
  }
  let q = ctx.db.selectFrom('kb_articles').select(SUMMARY_COLUMNS).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit);
  if (filters.locale) q = q.where('locale', '=', filters.locale);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.categoryId !== undefined) q = q.where('category_id', '=', filters.categoryId);
  return (await q.execute()).map(presentArticleSummary);
}
