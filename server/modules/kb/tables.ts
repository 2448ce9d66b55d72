import type { Generated } from 'kysely';

export const KB_LOCALES = ['en', 'zh-CN', 'zh-TW'] as const;
export type KbLocale = (typeof KB_LOCALES)[number];
export const KB_STATUSES = ['draft', 'published', 'archived'] as const;
export type KbStatus = (typeof KB_STATUSES)[number];

export interface KbCategoriesTable {
  id: Generated<number>;
  parent_id: number | null;
  slug: string;
  name: string;
  /** JSON: names by locale, beside the default `name`. */
  names: Generated<string>;
  position: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface KbArticlesTable {
  id: Generated<number>;
  category_id: number | null;
  locale: KbLocale;
  translation_group: number;
  slug: string;
  title: string;
  body_md: string;
  /** body_md rendered and sanitised; body_text is what a reader sees, for snippets. */
  body_html: string;
  body_text: string;
  /** JSON array of alternative questions (相似问法). */
  questions: Generated<string>;
  status: KbStatus;
  views: Generated<number>;
  helpful: Generated<number>;
  not_helpful: Generated<number>;
  bot_used: Generated<number>;
  bot_resolved: Generated<number>;
  created_by: number | null;
  updated_by: number | null;
  published_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface KbRevisionsTable {
  id: Generated<number>;
  article_id: number;
  title: string;
  body_md: string;
  questions: string;
  agent_id: number | null;
  created_at: number;
}

export interface KbVotesTable {
  article_id: number;
  voter: string;
  helpful: number;
  created_at: number;
}

export interface KbArticleAttachmentsTable {
  article_id: number;
  attachment_id: number;
}

export interface KbTables {
  kb_categories: KbCategoriesTable;
  kb_articles: KbArticlesTable;
  kb_revisions: KbRevisionsTable;
  kb_votes: KbVotesTable;
  kb_article_attachments: KbArticleAttachmentsTable;
}
