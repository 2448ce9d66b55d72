import { parseNames, parseQuestions, type ArticleRow, type CategoryRow } from './queries.js';
import type { ArticleSummary, ArticleView, CategoryView } from './schemas.js';

/** The public page of an article, relative to the site root. */
export const articlePath = (locale: string, slug: string): string => `/help/${locale}/articles/${encodeURIComponent(slug)}`;

/** The columns a summary needs; a search reads only these. */
export const SUMMARY_COLUMNS = [
  'id', 'slug', 'locale', 'title', 'status', 'category_id', 'translation_group',
  'views', 'helpful', 'not_helpful', 'bot_used', 'bot_resolved', 'updated_at', 'published_at',
] as const;
type SummaryRow = Pick<ArticleRow, (typeof SUMMARY_COLUMNS)[number]>;

export function presentArticleSummary(row: SummaryRow): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    locale: row.locale,
    title: row.title,
    status: row.status,
    categoryId: row.category_id,
    translationGroup: row.translation_group,
    views: row.views,
    helpful: row.helpful,
    notHelpful: row.not_helpful,
    botUsed: row.bot_used,
    botResolved: row.bot_resolved,
    updatedAt: row.updated_at,
    publishedAt: row.published_at,
    url: row.status === 'published' ? articlePath(row.locale, row.slug) : null,
  };
}

export function presentArticle(row: ArticleRow, group: ArticleRow[]): ArticleView {
  return {
    ...presentArticleSummary(row),
    body: row.body_md,
    html: row.body_html,
    text: row.body_text,
    questions: parseQuestions(row.questions),
    translations: group
      .filter((t) => t.id !== row.id)
      .map((t) => ({ id: t.id, locale: t.locale, slug: t.slug, title: t.title, status: t.status })),
    createdAt: row.created_at,
  };
}

export function presentCategory(row: CategoryRow, articleCount: number): CategoryView {
  return {
    id: row.id,
    parentId: row.parent_id,
    slug: row.slug,
    name: row.name,
    names: parseNames(row.names),
    position: row.position,
    articleCount,
  };
}

/** A category's name in a locale, or its default name. */
export const categoryName = (row: CategoryRow, locale: string): string => parseNames(row.names)[locale] || row.name;
