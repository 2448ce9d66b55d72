import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { presentCategory } from './presenter.js';
import { findCategory, findCategoryBySlug, type CategoryRow } from './queries.js';
import type { CategoryInput, CategoryView } from './schemas.js';
import { isSlug, slugify } from './slug.js';

/** Categories in display order, each with its count of published articles. */
export async function listCategories(db: DbOrTx): Promise<CategoryView[]> {
  const rows = await db.selectFrom('kb_categories').selectAll().orderBy('position').orderBy('name').execute();
  const counts = await db
    .selectFrom('kb_articles')
    .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('status', '=', 'published')
    .where('category_id', 'is not', null)
    .groupBy('category_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.category_id, Number(c.n)]));
  return rows.map((r) => presentCategory(r, byId.get(r.id) ?? 0));
}

/** Nested once: a parent must itself be top-level, and a category with children cannot move under another. */
async function checkParent(db: DbOrTx, parentId: number | null | undefined, selfId: number | null): Promise<void> {
  if (parentId == null) return;
  if (parentId === selfId) throw new BadRequest('parentId: a category cannot be its own parent', { field: 'parentId' });
  const parent = await findCategory(db, parentId);
  if (!parent) throw new BadRequest('parentId: no such category', { field: 'parentId' });
  if (parent.parent_id !== null) throw new BadRequest('parentId: categories nest one level deep', { field: 'parentId' });
  if (selfId !== null) {
    const child = await db.selectFrom('kb_categories').select('id').where('parent_id', '=', selfId).executeTakeFirst();
    if (child) throw new BadRequest('parentId: this category has subcategories of its own', { field: 'parentId' });
  }
}

async function checkSlug(db: DbOrTx, slug: string, selfId: number | null): Promise<string> {
  if (!isSlug(slug)) throw new BadRequest('slug: letters and digits separated by single hyphens', { field: 'slug' });
  const other = await findCategoryBySlug(db, slug);
  if (other && other.id !== selfId) throw new Conflict(`The slug "${slug}" is taken.`, 'slug_taken', { field: 'slug' });
  return slug;
}

export async function createCategory(ctx: AppContext, viewer: Viewer, input: CategoryInput): Promise<CategoryView> {
  return ctx.database.transaction(async (tx) => {
    await checkParent(tx, input.parentId, null);
    const at = now();
    const row = await tx
      .insertInto('kb_categories')
      .values({
        parent_id: input.parentId ?? null,
        slug: await checkSlug(tx, (input.slug ?? slugify(input.name)).toLowerCase(), null),
        name: input.name.trim(),
        names: JSON.stringify(input.names ?? {}),
        position: input.position ?? 0,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'kb_category.created', entityKind: 'kb_category', entityId: row.id, after: { name: row.name, slug: row.slug } });
    return presentCategory(row, 0);
  });
}

export async function updateCategory(ctx: AppContext, viewer: Viewer, id: number, input: Partial<CategoryInput>): Promise<CategoryView> {
  return ctx.database.transaction(async (tx) => {
    const before = await findCategory(tx, id);
    if (!before) throw new NotFound('category');
    if (input.parentId !== undefined) await checkParent(tx, input.parentId, id);
    const row: CategoryRow = await tx
      .updateTable('kb_categories')
      .set({
        name: input.name?.trim() ?? before.name,
        slug: input.slug !== undefined ? await checkSlug(tx, input.slug.toLowerCase(), id) : before.slug,
        names: input.names !== undefined ? JSON.stringify(input.names) : before.names,
        parent_id: input.parentId !== undefined ? input.parentId : before.parent_id,
        position: input.position ?? before.position,
        updated_at: now(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'kb_category.updated', entityKind: 'kb_category', entityId: id, before: { name: before.name, slug: before.slug }, after: { name: row.name, slug: row.slug } });
    return presentCategory(row, 0);
  });
}

/** Its articles stay, uncategorised; a category with subcategories must be emptied first. */
export async function deleteCategory(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await findCategory(tx, id);
    if (!before) throw new NotFound('category');
    const child = await tx.selectFrom('kb_categories').select('id').where('parent_id', '=', id).executeTakeFirst();
    if (child) throw new Conflict('Move or delete its subcategories first.', 'category_has_children');
    await tx.deleteFrom('kb_categories').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'kb_category.deleted', entityKind: 'kb_category', entityId: id, before: { name: before.name } });
  });
}
