import type { Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import type { KbArticlesTable, KbCategoriesTable, KbLocale } from './tables.js';

export type ArticleRow = Selectable<KbArticlesTable>;
export type CategoryRow = Selectable<KbCategoriesTable>;

export async function findArticle(db: DbOrTx, id: number): Promise<ArticleRow | undefined> {
  return db.selectFrom('kb_articles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findArticleBySlug(db: DbOrTx, locale: KbLocale, slug: string): Promise<ArticleRow | undefined> {
  return db.selectFrom('kb_articles').selectAll().where('locale', '=', locale).where('slug', '=', slug).executeTakeFirst();
}

export async function translationsOf(db: DbOrTx, group: number): Promise<ArticleRow[]> {
  return db.selectFrom('kb_articles').selectAll().where('translation_group', '=', group).orderBy('locale').execute();
}

export async function findCategory(db: DbOrTx, id: number): Promise<CategoryRow | undefined> {
  return db.selectFrom('kb_categories').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCategoryBySlug(db: DbOrTx, slug: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('kb_categories').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function slugTaken(db: DbOrTx, locale: KbLocale, slug: string, exceptId: number | null): Promise<boolean> {
  const row = await db.selectFrom('kb_articles').select('id').where('locale', '=', locale).where('slug', '=', slug).executeTakeFirst();
  return row !== undefined && row.id !== exceptId;
}

export const parseQuestions = (json: string): string[] => {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((q): q is string => typeof q === 'string') : [];
};

export const parseNames = (json: string): Record<string, string> => {
  const value: unknown = JSON.parse(json);
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
};
