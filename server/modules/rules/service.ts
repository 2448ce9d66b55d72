import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { compileConditions, explain } from './conditions.js';
import { describeAction } from './actions.js';
import { findTicketByNumber } from '../tickets/queries.js';
import { loadFacts } from './facts.js';
import { actionsOf, conditionsOf, presentRule, type RuleRow } from './presenter.js';
import { brokenReason, loadReferences } from './references.js';
import type { Conditions, DryRunView, RuleEvent, RuleInput, RulePatch, RuleView } from './schemas.js';
import { timeAnchorOf } from './time-anchor.js';

async function findRule(db: DbOrTx, id: number): Promise<RuleRow> {
  const row = await db.selectFrom('rules').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw new NotFound('rule');
  return row;
}

/** A rule that cannot be evaluated is refused when saved, naming the field. */
function checkRule(event: RuleEvent, conditions: Conditions): void {
  compileConditions(conditions);
  if (event === 'time' && !timeAnchorOf(conditions)) {
    throw new BadRequest('conditions.all: a time rule needs a minutes_since_created or minutes_since_activity condition with gte', {
      field: 'conditions.all',
    });
  }
}

export async function listRules(ctx: AppContext): Promise<RuleView[]> {
  const [rows, refs] = await Promise.all([
    ctx.db.selectFrom('rules').selectAll().where('deleted_at', 'is', null).orderBy('position').orderBy('id').execute(),
    loadReferences(ctx.db),
  ]);
  return rows.map((r) => presentRule(r, brokenReason(actionsOf(r), refs)));
}

async function view(db: DbOrTx, row: RuleRow): Promise<RuleView> {
  return presentRule(row, brokenReason(actionsOf(row), await loadReferences(db)));
}

export async function getRule(ctx: AppContext, id: number): Promise<RuleView> {
  return view(ctx.db, await findRule(ctx.db, id));
}

const nextPosition = async (db: DbOrTx): Promise<number> => {
  const row = await db.selectFrom('rules').select((eb) => eb.fn.max('position').as('max')).where('deleted_at', 'is', null).executeTakeFirst();
  return (row?.max ?? 0) + 1;
};

export async function createRule(ctx: AppContext, viewer: Viewer, input: RuleInput): Promise<RuleView> {
  checkRule(input.event, input.conditions);
  const row = await ctx.database.transaction(async (tx) => {
    const at = now();
    const created = await tx
      .insertInto('rules')
      .values({
        name: input.name.trim(),
        event: input.event,
        conditions: JSON.stringify(input.conditions),
        actions: JSON.stringify(input.actions),
        enabled: input.enabled === false ? 0 : 1,
        stop_processing: input.stopProcessing ? 1 : 0,
        position: await nextPosition(tx),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'rule.created', entityKind: 'rule', entityId: created.id, after: { name: created.name, event: created.event } });
    return created;
  });
  ctx.automation.invalidate();
  return view(ctx.db, row);
}

/** The editor sends the version it loaded: a save over someone else's newer one is refused. */
export async function updateRule(ctx: AppContext, viewer: Viewer, id: number, patch: RulePatch): Promise<RuleView> {
  const row = await ctx.database.transaction(async (tx) => {
    const before = await findRule(tx, id);
    if (before.version !== patch.version) {
      throw new Conflict(`This rule was changed by someone else (version ${before.version}); reload it and try again.`, 'version_conflict');
    }
    const event = patch.event ?? (before.event as RuleEvent);
    const conditions = patch.conditions ?? conditionsOf(before);
    checkRule(event, conditions);
    const updated = await tx
      .updateTable('rules')
      .set({
        name: patch.name?.trim() ?? before.name,
        event,
        conditions: JSON.stringify(conditions),
        actions: patch.actions ? JSON.stringify(patch.actions) : before.actions,
        enabled: patch.enabled === undefined ? before.enabled : patch.enabled ? 1 : 0,
        stop_processing: patch.stopProcessing === undefined ? before.stop_processing : patch.stopProcessing ? 1 : 0,
        version: before.version + 1,
        updated_at: now(),
      })
      .where('id', '=', id)
      .where('version', '=', patch.version)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new Conflict('This rule was changed by someone else; reload it and try again.', 'version_conflict');
    await recordAudit(tx, {
      actor: agentActor(viewer),
      action: 'rule.updated',
      entityKind: 'rule',
      entityId: id,
      before: { name: before.name, version: before.version },
      after: { name: updated.name, version: updated.version },
    });
    return updated;
  });
  ctx.automation.invalidate();
  return view(ctx.db, row);
}

/** Kept as a row (deleted_at) so old timeline lines still name it. */
export async function deleteRule(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = await findRule(tx, id);
    await tx.updateTable('rules').set({ deleted_at: now(), enabled: 0 }).where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'rule.deleted', entityKind: 'rule', entityId: id, before: { name: before.name } });
  });
  ctx.automation.invalidate();
}

/** A copy right after the original, disabled so it does not act twice before it is edited. */
export async function duplicateRule(ctx: AppContext, viewer: Viewer, id: number): Promise<RuleView> {
  const row = await ctx.database.transaction(async (tx) => {
    const source = await findRule(tx, id);
    await tx.updateTable('rules').set((eb) => ({ position: eb('position', '+', 1) })).where('position', '>', source.position).execute();
    const at = now();
    const copy = await tx
      .insertInto('rules')
      .values({
        name: `${source.name} (copy)`.slice(0, 200),
        event: source.event,
        conditions: source.conditions,
        actions: source.actions,
        enabled: 0,
        stop_processing: source.stop_processing,
        position: source.position + 1,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'rule.created', entityKind: 'rule', entityId: copy.id, after: { name: copy.name, copyOf: id } });
    return copy;
  });
  ctx.automation.invalidate();
  return view(ctx.db, row);
}

/** `ids` is every rule in its new order; a list that leaves one out or names an unknown one is refused. */
export async function reorderRules(ctx: AppContext, viewer: Viewer, ids: number[]): Promise<RuleView[]> {
  await ctx.database.transaction(async (tx) => {
    const rows = await tx.selectFrom('rules').select('id').where('deleted_at', 'is', null).execute();
    const known = new Set(rows.map((r) => r.id));
    if (new Set(ids).size !== ids.length || ids.length !== known.size || ids.some((id) => !known.has(id))) {
      throw new BadRequest('ids: must list every rule exactly once', { field: 'ids' });
    }
    for (const [i, id] of ids.entries()) await tx.updateTable('rules').set({ position: i + 1 }).where('id', '=', id).execute();
    await recordAudit(tx, { actor: agentActor(viewer), action: 'rule.reordered', entityKind: 'rule', entityId: null, after: { ids } });
  });
  ctx.automation.invalidate();
  return listRules(ctx);
}

/** What the rule would do to a ticket now: each condition's result and the actions, changing nothing. */
export async function dryRun(ctx: AppContext, id: number, which: { ticketId?: number | undefined; ticketNumber?: number | undefined }): Promise<DryRunView> {
  const rule = await findRule(ctx.db, id);
  const ticketId = which.ticketId ?? (which.ticketNumber !== undefined ? (await findTicketByNumber(ctx.db, which.ticketNumber))?.id : undefined);
  const field = which.ticketId !== undefined ? 'ticketId' : 'ticketNumber';
  const loaded = ticketId === undefined ? null : await loadFacts(ctx.db, ticketId, {});
  if (!loaded) throw new BadRequest(`${field}: no such ticket`, { field });
  const conditions = conditionsOf(rule);
  const compiled = compileConditions(conditions);
  const results = explain(compiled, loaded.facts, { now: now(), hours: ctx.automation.hours });
  const all = results.filter((r) => r.group === 'all');
  const any = results.filter((r) => r.group === 'any');
  const matched = all.every((r) => r.matched) && (any.length === 0 || any.some((r) => r.matched));
  const list = { all: conditions.all ?? [], any: conditions.any ?? [] };
  const actions = actionsOf(rule);
  return {
    matched,
    conditions: results.flatMap((r) => {
      const condition = list[r.group][r.index];
      return condition ? [{ ...r, condition }] : [];
    }),
    actions: actions.map((action) => ({ action, description: describeAction(action) })),
    broken: brokenReason(actions, await loadReferences(ctx.db)),
  };
}
