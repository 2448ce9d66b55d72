import type { Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { checkConditions, ConditionProblem } from './conditions.js';
import type { PolicyInputFields, SlaPolicyView } from './policy-types.js';
import { presentPolicy } from './presenter.js';
import { deletePolicyRow, findPolicyIdByName, findPolicyRow, insertPolicyRow, listPolicyRows, nextPosition, updatePolicyRow, type SlaPolicyRow } from './queries.js';
import { forgetPolicies } from './policy-cache.js';
import { requestRecompute } from './recompute-job.js';

type Fields = { [K in keyof typeof PolicyInputFields]: Static<(typeof PolicyInputFields)[K]> };
export type SlaPolicyInput = Pick<Fields, 'name'> & Partial<Omit<Fields, 'name'>>;
export type SlaPolicyPatch = Partial<SlaPolicyInput>;

export const listSlaPolicies = async (db: DbOrTx): Promise<SlaPolicyView[]> => (await listPolicyRows(db)).map(presentPolicy);

async function getRow(db: DbOrTx, id: number): Promise<SlaPolicyRow> {
  const row = await findPolicyRow(db, id);
  if (!row) throw new NotFound('SLA policy');
  return row;
}

export const getSlaPolicy = async (db: DbOrTx, id: number): Promise<SlaPolicyView> => presentPolicy(await getRow(db, id));

const bad = (field: string, message: string) => new BadRequest(`${field}: ${message}`, { field });

/** The whole policy checked, as columns; `base` is the stored policy a patch applies to. */
async function columnsOf(ctx: AppContext, db: DbOrTx, input: SlaPolicyPatch, base: SlaPolicyView | null) {
  const name = (input.name ?? base?.name ?? '').replace(/\s+/g, ' ').trim();
  if (name === '') throw bad('name', 'must not be empty');
  const other = await findPolicyIdByName(db, name);
  if (other !== undefined && other !== base?.id) throw new Conflict(`An SLA policy named "${name}" exists.`, 'name_taken');
  const conditions = input.conditions ?? base?.conditions ?? { all: [] };
  try {
    checkConditions(conditions);
  } catch (err) {
    if (err instanceof ConditionProblem) throw bad(err.field, err.message.slice(err.field.length + 2));
    throw err;
  }
  const businessHoursId = input.businessHoursId === undefined ? (base?.businessHoursId ?? null) : input.businessHoursId;
  if (businessHoursId !== null && !ctx.businessHours.calendar(businessHoursId)) throw bad('businessHoursId', `no business-hours calendar ${businessHoursId}`);
  const targets = { ...(base?.targets ?? {}), ...(input.targets ?? {}) };
  const first = targets.firstResponseMinutes ?? null;
  const next = targets.nextResponseMinutes ?? null;
  const resolution = targets.resolutionMinutes ?? null;
  for (const [field, v] of [['firstResponseMinutes', first], ['nextResponseMinutes', next], ['resolutionMinutes', resolution]] as const) {
    if (v !== null && !(Number.isInteger(v) && v > 0)) throw bad(`targets.${field}`, 'must be a whole number of minutes above 0');
  }
  if (first === null && next === null && resolution === null) throw bad('targets', 'set at least one target');
  const warning = { ...(base?.warning ?? {}), ...(input.warning ?? {}) };
  if (warning.minutes != null && !(warning.minutes > 0)) throw bad('warning.minutes', 'must be above 0');
  if (warning.percent != null && !(warning.percent > 0 && warning.percent < 100)) throw bad('warning.percent', 'must be from 1 to 99');
  const escalation = input.escalation ?? base?.escalation ?? { warning: [], breach: [] };
  for (const [i, a] of [...escalation.warning, ...escalation.breach].entries()) {
    if (a.type === 'assign_team' && !(await db.selectFrom('teams').select('id').where('id', '=', a.teamId).executeTakeFirst())) {
      throw bad(`escalation[${i}].teamId`, `no team ${a.teamId}`);
    }
    if (a.type === 'notify' && a.to === 'agents' && (a.agentIds ?? []).length === 0) throw bad(`escalation[${i}].agentIds`, 'name at least one agent');
  }
  return {
    name,
    enabled: (input.enabled ?? base?.enabled ?? true) ? 1 : 0,
    conditions: JSON.stringify(conditions),
    business_hours_id: businessHoursId,
    pause_when_pending: (input.pauseWhenPending ?? base?.pauseWhenPending ?? true) ? 1 : 0,
    pause_when_snoozed: (input.pauseWhenSnoozed ?? base?.pauseWhenSnoozed ?? true) ? 1 : 0,
    first_response_minutes: first,
    next_response_minutes: next,
    resolution_minutes: resolution,
    warning_minutes: warning.minutes ?? null,
    warning_percent: warning.percent ?? null,
    escalation: JSON.stringify(escalation),
  };
}

/**
 * Due times of open tickets follow the change in the background: the request asks for it in its own
 * transaction and returns; the recomputer takes the tickets in chunks after commit.
 */
function afterChange(ctx: AppContext): void {
  ctx.slaRecompute.kick();
}

/**
 * Inside the write, and again once it commits: on PostgreSQL another pooled connection may load the
 * old rows between the two.
 */
function forget(ctx: AppContext, onCommit: (cb: () => void) => void): void {
  forgetPolicies(ctx.database);
  onCommit(() => forgetPolicies(ctx.database));
}

export async function createSlaPolicy(ctx: AppContext, viewer: Viewer, input: SlaPolicyInput): Promise<SlaPolicyView> {
  const view = await ctx.database.transaction(async (tx, onCommit) => {
    const at = now();
    const columns = await columnsOf(ctx, tx, input, null);
    const created = presentPolicy(await insertPolicyRow(tx, { ...columns, position: await nextPosition(tx), created_at: at, updated_at: at }));
    forget(ctx, onCommit);
    await requestRecompute(tx, at);
    await recordAudit(tx, { actor: agentActor(viewer), action: 'sla_policy.created', entityKind: 'sla_policy', entityId: created.id, after: created });
    return created;
  });
  afterChange(ctx);
  return view;
}

export async function updateSlaPolicy(ctx: AppContext, viewer: Viewer, id: number, patch: SlaPolicyPatch): Promise<SlaPolicyView> {
  const view = await ctx.database.transaction(async (tx, onCommit) => {
    const before = presentPolicy(await getRow(tx, id));
    const after = presentPolicy(await updatePolicyRow(tx, id, { ...(await columnsOf(ctx, tx, patch, before)), updated_at: now() }));
    forget(ctx, onCommit);
    await requestRecompute(tx, now());
    await recordAudit(tx, { actor: agentActor(viewer), action: 'sla_policy.updated', entityKind: 'sla_policy', entityId: id, before, after });
    return after;
  });
  afterChange(ctx);
  return view;
}

export async function deleteSlaPolicy(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx, onCommit) => {
    const before = presentPolicy(await getRow(tx, id));
    await deletePolicyRow(tx, id);
    forget(ctx, onCommit);
    await requestRecompute(tx, now());
    await recordAudit(tx, { actor: agentActor(viewer), action: 'sla_policy.deleted', entityKind: 'sla_policy', entityId: id, before });
  });
  afterChange(ctx);
}

/** `ids` is every policy in the new order: first match wins. */
export async function reorderSlaPolicies(ctx: AppContext, viewer: Viewer, ids: number[]): Promise<SlaPolicyView[]> {
  const views = await ctx.database.transaction(async (tx, onCommit) => {
    const rows = await listPolicyRows(tx);
    const known = new Set(rows.map((r) => r.id));
    if (ids.length !== known.size || new Set(ids).size !== ids.length || !ids.every((id) => known.has(id))) {
      throw bad('ids', 'must list every SLA policy once');
    }
    for (const [i, id] of ids.entries()) await tx.updateTable('sla_policies').set({ position: i + 1 }).where('id', '=', id).execute();
    forget(ctx, onCommit);
    await requestRecompute(tx, now());
    await recordAudit(tx, { actor: agentActor(viewer), action: 'sla_policy.reordered', entityKind: 'sla_policy', entityId: null, after: { ids } });
    return (await listPolicyRows(tx)).map(presentPolicy);
  });
  afterChange(ctx);
  return views;
}
