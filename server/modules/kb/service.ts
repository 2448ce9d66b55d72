import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { indexArticle, unindexArticle } from './fts.js';
import { markdownToHtml, markdownToText, referencedFiles } from './markdown.js';
import { presentArticle } from './presenter.js';
import { findArticle, findCategory, parseQuestions, slugTaken, translationsOf, type ArticleRow } from './queries.js';
import type { ArticleInput, ArticlePatch, ArticleView } from './schemas.js';
import { isSlug, slugify } from './slug.js';
import type { KbLocale, KbStatus } from './tables.js';

/** Trimmed, without blanks or repeats, in the order given. */
function cleanQuestions(questions: readonly string[] | undefined): string[] {
  return [...new Set((questions ?? []).map((q) => q.trim()).filter((q) => q !== ''))];
}

async function freeSlug(db: DbOrTx, locale: KbLocale, wanted: string | undefined, title: string, exceptId: number | null): Promise<string> {
  if (wanted !== undefined) {
    const slug = wanted.trim().toLowerCase();
    if (!isSlug(slug)) throw new BadRequest('slug: letters and digits separated by single hyphens', { field: 'slug' });
    if (await slugTaken(db, locale, slug, exceptId)) throw new Conflict(`The slug "${slug}" is taken in ${locale}.`, 'slug_taken', { field: 'slug' });
    return slug;
  }
  const base = slugify(title);
  for (let n = 1; ; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    if (!(await slugTaken(db, locale, slug, exceptId))) return slug;
  }
}

const rendered = (body: string) => ({ body_md: body, body_html: markdownToHtml(body), body_text: markdownToText(body) });

async function checkCategory(db: DbOrTx, id: number | null | undefined): Promise<void> {
  if (id != null && !(await findCategory(db, id))) throw new BadRequest('categoryId: no such category', { field: 'categoryId' });
}

/** Keeps the search index, the revision history and the article's images in step with a write. */
async function afterWrite(db: DbOrTx, row: ArticleRow, viewer: Viewer, revision: boolean): Promise<void> {
  await indexArticle(db, {
    id: row.id,
    title: row.title,
    questions: parseQuestions(row.questions),
    text: row.body_text,
    locale: row.locale,
    status: row.status,
    categoryId: row.category_id,
  });
  if (revision) {
    await db
      .insertInto('kb_revisions')
      .values({ article_id: row.id, title: row.title, body_md: row.body_md, questions: row.questions, agent_id: viewer.id, created_at: row.updated_at })
      .execute();
  }
  await db.deleteFrom('kb_article_attachments').where('article_id', '=', row.id).execute();
  const files = referencedFiles(row.body_md);
  if (files.length > 0) {
    const existing = await db.selectFrom('attachments').select('id').where('id', 'in', files).execute();
    if (existing.length > 0) {
      await db.insertInto('kb_article_attachments').values(existing.map((f) => ({ article_id: row.id, attachment_id: f.id }))).execute();
    }
  }
}

export async function getArticle(db: DbOrTx, id: number): Promise<ArticleView> {
  const row = await findArticle(db, id);
  if (!row) throw new NotFound('article');
  return presentArticle(row, await translationsOf(db, row.translation_group));
}

export async function createArticle(ctx: AppContext, viewer: Viewer, input: ArticleInput): Promise<ArticleView> {
  return ctx.database.transaction(async (tx) => {
    await checkCategory(tx, input.categoryId);
    let group: number | null = null;
    if (input.translationOf !== undefined) {
      const source = await findArticle(tx, input.translationOf);
      if (!source) throw new BadRequest('translationOf: no such article', { field: 'translationOf' });
      group = source.translation_group;
      const taken = (await translationsOf(tx, group)).find((t) => t.locale === input.locale);
      if (taken) throw new Conflict(`This article already has a ${input.locale} translation (#${taken.id}).`, 'translation_exists', { articleId: taken.id });
    }
    const at = now();
    const status: KbStatus = input.status ?? 'draft';
    const inserted = await tx
      .insertInto('kb_articles')
      .values({
        category_id: input.categoryId ?? null,
        locale: input.locale,
        // A new group is numbered by its first article; set right after the insert gives the id.
        translation_group: group ?? 0,
        slug: await freeSlug(tx, input.locale, input.slug, input.title, null),
        title: input.title.trim(),
        ...rendered(input.body),
        questions: JSON.stringify(cleanQuestions(input.questions)),
        status,
        created_by: viewer.id,
        updated_by: viewer.id,
        published_at: status === 'published' ? at : null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const row = group === null
      ? await tx.updateTable('kb_articles').set({ translation_group: inserted.id }).where('id', '=', inserted.id).returningAll().executeTakeFirstOrThrow()
      : inserted;
    await afterWrite(tx, row, viewer, true);
    await recordAudit(tx, { actor: agentActor(viewer), action: 'kb_article.created', entityKind: 'kb_article', entityId: row.id, after: { title: row.title, locale: row.locale, status } });
    return presentArticle(row, await translationsOf(tx, row.translation_group));
  });
}

export async function updateArticle(ctx: AppContext, viewer: Viewer, id: number, patch: ArticlePatch): Promise<ArticleView> {
  return ctx.database.transaction(async (tx) => {
    const before = await findArticle(tx, id);
    if (!before) throw new NotFound('article');
    if (patch.categoryId !== undefined) await checkCategory(tx, patch.categoryId);
    const title = patch.title?.trim() ?? before.title;
    const body = patch.body ?? before.body_md;
    const questions = patch.questions !== undefined ? JSON.stringify(cleanQuestions(patch.questions)) : before.questions;
    const status = patch.status ?? before.status;
    const at = now();
    const row = await tx
      .updateTable('kb_articles')
      .set({
        title,
        ...(body !== before.body_md ? rendered(body) : {}),
        questions,
        status,
        slug: patch.slug !== undefined ? await freeSlug(tx, before.locale, patch.slug, title, id) : before.slug,
        category_id: patch.categoryId !== undefined ? patch.categoryId : before.category_id,
        published_at: status === 'published' ? (before.published_at ?? at) : before.published_at,
        updated_by: viewer.id,
        updated_at: at,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const contentChanged = title !== before.title || body !== before.body_md || questions !== before.questions;
    await afterWrite(tx, row, viewer, contentChanged);
    await recordAudit(tx, {
      actor: agentActor(viewer),
      action: 'kb_article.updated',
      entityKind: 'kb_article',
      entityId: id,
      before: { title: before.title, status: before.status, slug: before.slug },
      after: { title: row.title, status: row.status, slug: row.slug },
    });
    return presentArticle(row, await translationsOf(tx, row.translation_group));
  });
}

export async function deleteArticle(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await findArticle(tx, id);
    if (!before) throw new NotFound('article');
    await unindexArticle(tx, id);
    await tx.deleteFrom('kb_articles').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'kb_article.deleted', entityKind: 'kb_article', entityId: id, before: { title: before.title, locale: before.locale } });
  });
}
