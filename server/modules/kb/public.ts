import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { findArticleBySlug, findCategoryBySlug, type ArticleRow, type CategoryRow } from './queries.js';
import type { KbLocale } from './tables.js';

/** What the help center shows of published articles: never drafts or archived ones. */
export interface PublicArticleLink {
  id: number;
  slug: string;
  title: string;
  locale: KbLocale;
}

export interface CategoryWithArticles {
  category: CategoryRow;
  count: number;
  top: PublicArticleLink[];
}

const LINK = ['id', 'slug', 'title', 'locale'] as const;

/** Top-level and sub categories that have published articles in the locale, each with its first few. */
export async function homeCategories(db: DbOrTx, locale: KbLocale, perCategory: number): Promise<CategoryWithArticles[]> {
  const counts = await db
    .selectFrom('kb_articles')
    .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('locale', '=', locale)
    .where('status', '=', 'published')
    .groupBy('category_id')
    .execute();
  const countOf = new Map(counts.map((c) => [c.category_id, Number(c.n)]));
  const categories = await db.selectFrom('kb_categories').selectAll().orderBy('position').orderBy('name').execute();
  const out: CategoryWithArticles[] = [];
  for (const category of categories) {
    const count = countOf.get(category.id) ?? 0;
    if (count === 0) continue;
    out.push({ category, count, top: await articlesIn(db, locale, category.id, perCategory) });
  }
  const loose = countOf.get(null) ?? 0;
  if (loose > 0) out.push({ category: LOOSE, count: loose, top: await articlesIn(db, locale, null, perCategory) });
  return out;
}

/** Stands in for "no category" on the home page; id 0 is never a real category. */
export const LOOSE: CategoryRow = { id: 0, parent_id: null, slug: '', name: '', names: '{}', position: 0, created_at: 0, updated_at: 0 };

export async function articlesIn(db: DbOrTx, locale: KbLocale, categoryId: number | null, limit: number): Promise<PublicArticleLink[]> {
  return db
    .selectFrom('kb_articles')
    .select(LINK)
    .where('locale', '=', locale)
    .where('status', '=', 'published')
    .where('category_id', categoryId === null ? 'is' : '=', categoryId)
    .orderBy('title')
    .limit(limit)
    .execute();
}

export interface CategoryPage {
  category: CategoryRow;
  parent: CategoryRow | null;
  children: CategoryRow[];
  articles: PublicArticleLink[];
}

export async function categoryPage(db: DbOrTx, locale: KbLocale, slug: string): Promise<CategoryPage | null> {
  const category = await findCategoryBySlug(db, slug);
  if (!category) return null;
  const parent = category.parent_id !== null ? ((await db.selectFrom('kb_categories').selectAll().where('id', '=', category.parent_id).executeTakeFirst()) ?? null) : null;
  const children = await db.selectFrom('kb_categories').selectAll().where('parent_id', '=', category.id).orderBy('position').orderBy('name').execute();
  return { category, parent, children, articles: await articlesIn(db, locale, category.id, 500) };
}

export interface ArticlePage {
  article: ArticleRow;
  category: CategoryRow | null;
  /** Published translations, this article included, by locale. */
  translations: PublicArticleLink[];
}

export async function articlePage(db: DbOrTx, locale: KbLocale, slug: string): Promise<ArticlePage | null> {
  const article = await findArticleBySlug(db, locale, slug);
  if (!article || article.status !== 'published') return null;
  const category = article.category_id !== null ? ((await db.selectFrom('kb_categories').selectAll().where('id', '=', article.category_id).executeTakeFirst()) ?? null) : null;
  const translations = await db
    .selectFrom('kb_articles')
    .select(LINK)
    .where('translation_group', '=', article.translation_group)
    .where('status', '=', 'published')
    .orderBy('locale')
    .execute();
  return { article, category, translations };
}

export interface SitemapRow extends PublicArticleLink {
  updated_at: number;
  translation_group: number;
}

export async function sitemapRows(db: DbOrTx): Promise<SitemapRow[]> {
  return db
    .selectFrom('kb_articles')
    .select([...LINK, 'updated_at', 'translation_group'])
    .where('status', '=', 'published')
    .orderBy('translation_group')
    .orderBy('locale')
    .execute();
}

/** Published uploads only: a file is public once a published article shows it. */
export async function publicFile(db: DbOrTx, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('kb_article_attachments as l')
    .innerJoin('kb_articles as a', 'a.id', 'l.article_id')
    .select(sql<number>`1`.as('one'))
    .where('l.attachment_id', '=', id)
    .where('a.status', '=', 'published')
    .executeTakeFirst();
  return row !== undefined;
}
