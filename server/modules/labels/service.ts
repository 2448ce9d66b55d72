import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';

export const LabelSchema = Type.Object({ id: Type.Integer(), name: Type.String(), color: Type.String() });
export type LabelView = Static<typeof LabelSchema>;

export const listLabels = (db: DbOrTx): Promise<LabelView[]> =>
  db.selectFrom('labels').select(['id', 'name', 'color']).orderBy('name').execute();

async function getLabel(db: DbOrTx, id: number): Promise<LabelView> {
  const row = await db.selectFrom('labels').select(['id', 'name', 'color']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('label');
  return row;
}

/** Commas would break the list filter (?label=) and the bulk add/remove lists. */
async function checkName(db: DbOrTx, name: string, exceptId: number | null): Promise<string> {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean === '' || clean.includes(',')) throw new BadRequest('name: must not be empty or contain commas', { field: 'name' });
  const other = await db
    .selectFrom('labels')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', clean.toLowerCase()))
    .executeTakeFirst();
  if (other && other.id !== exceptId) throw new Conflict(`A label named "${clean}" exists.`, 'name_taken');
  return clean;
}

export async function createLabel(ctx: AppContext, viewer: Viewer, input: { name: string; color?: string | undefined }): Promise<LabelView> {
  return ctx.database.transaction(async (tx) => {
    const name = await checkName(tx, input.name, null);
    const row = await tx
      .insertInto('labels')
      .values({ name, ...(input.color ? { color: input.color } : {}), created_at: now() })
      .returning(['id', 'name', 'color'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'label.created', entityKind: 'label', entityId: row.id, after: row });
    return row;
  });
}

export async function updateLabel(
  ctx: AppContext,
  viewer: Viewer,
  id: number,
  input: { name?: string | undefined; color?: string | undefined },
): Promise<LabelView> {
  return ctx.database.transaction(async (tx) => {
    const before = await getLabel(tx, id);
    const name = input.name !== undefined ? await checkName(tx, input.name, id) : before.name;
    const after = await tx
      .updateTable('labels')
      .set({ name, color: input.color ?? before.color })
      .where('id', '=', id)
      .returning(['id', 'name', 'color'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'label.updated', entityKind: 'label', entityId: id, before, after });
    return after;
  });
}

/** Removes it from every ticket too. */
export async function deleteLabel(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await getLabel(tx, id);
    await tx.deleteFrom('labels').where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'label.deleted', entityKind: 'label', entityId: id, before });
  });
}
