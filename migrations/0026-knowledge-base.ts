import { sql, type Kysely } from 'kysely';
import { forDriver } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The knowledge base: categories (one level of nesting), articles in en / zh-CN / zh-TW linked
// as translations by a shared group id, their revisions, public votes, the uploads their
// markdown shows, and kb_fts, a contentless FTS5 index the kb service writes in the same
// transaction as the article (KB writes are rare, so no queue is needed as for tickets).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('kb_categories')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('parent_id', 'integer', (c) => c.references('kb_categories.id').onDelete('restrict'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    // {"zh-CN": "...", "zh-TW": "..."}: the name shown in other locales; `name` otherwise.
    .addColumn('names', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kb_articles')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('category_id', 'integer', (c) => c.references('kb_categories.id').onDelete('set null'))
    .addColumn('locale', 'text', (c) => c.notNull().check(sql`locale in ('en','zh-CN','zh-TW')`))
    // The id of the first article of the group; translations share it.
    .addColumn('translation_group', 'integer', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    // Rendered on write, so pages and search snippets never run the markdown renderer.
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','published','archived')`))
    .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('helpful', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_helpful', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bot_used', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('bot_resolved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('updated_by', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('published_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_articles_slug').unique().on('kb_articles').columns(['locale', 'slug']).execute();
  await db.schema.createIndex('kb_articles_translation').unique().on('kb_articles').columns(['translation_group', 'locale']).execute();
  await db.schema.createIndex('kb_articles_listing').on('kb_articles').columns(['locale', 'status', 'category_id', 'title']).execute();

  await db.schema
    .createTable('kb_revisions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_revisions_article').on('kb_revisions').columns(['article_id', 'id']).execute();

  await db.schema
    .createTable('kb_votes')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    // A hash of the visitor cookie (or of the address when the browser keeps no cookies).
    .addColumn('voter', 'text', (c) => c.notNull())
    .addColumn('helpful', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('kb_votes_pk', ['article_id', 'voter'])
    .execute();

  await db.schema
    .createTable('kb_article_attachments')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('kb_articles.id').onDelete('cascade'))
    .addColumn('attachment_id', 'integer', (c) => c.notNull().references('attachments.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('kb_article_attachments_pk', ['article_id', 'attachment_id'])
    .execute();
  await db.schema.createIndex('kb_article_attachments_file').on('kb_article_attachments').column('attachment_id').execute();

  // Words and CJK bigrams per field (title and questions weigh more than the body), and every
  // CJK character once, for one-character queries. Same shaping as the ticket index. `meta`
  // holds filter tokens (locale, status, category) so a search filters and ranks inside FTS5
  // and stops at its limit, instead of ranking every match and filtering afterwards.
  await forDriver(db, {
    sqlite: sql`create virtual table kb_fts using fts5(
    title, questions, body, chars, meta, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
  )`,
    // The same shaped terms in one tsvector, the fields weighted (title A, questions B, body D)
    // as bm25 weighs kb_fts's columns; row_id is what kb_fts's rowid is. Locale, status and
    // category are read from kb_articles itself.
    postgres: [
      sql`create table kb_search_documents (
        row_id bigint primary key,
        terms tsvector not null
      )`,
      sql`create index kb_search_documents_terms on kb_search_documents using gin (terms)`,
    ],
  });
}
