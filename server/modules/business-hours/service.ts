import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict, NotFound } from '../../http/errors.js';
import { recordAudit } from '../audit/service.js';
import { agentActor, type Viewer } from '../tickets/policy.js';
import { CalendarProblem, compileCalendar, type Calendar } from './calendar.js';
import { presentBusinessHours, type BusinessHoursView } from './presenter.js';
import { deleteRow, findIdByName, findRow, insertRow, listRows, toCalendar, toColumns, updateRow, type BusinessHoursRow } from './queries.js';

export interface BusinessHoursInput extends Calendar {
  name: string;
}
export type BusinessHoursPatch = Partial<BusinessHoursInput>;

export const listBusinessHours = async (db: DbOrTx): Promise<BusinessHoursView[]> => (await listRows(db)).map(presentBusinessHours);

async function getRow(db: DbOrTx, id: number): Promise<BusinessHoursRow> {
  const row = await findRow(db, id);
  if (!row) throw new NotFound('business-hours calendar');
  return row;
}

export const getBusinessHours = async (db: DbOrTx, id: number): Promise<BusinessHoursView> => presentBusinessHours(await getRow(db, id));

/** The name trimmed and unused by another calendar, and the calendar checked whole. */
async function checked(db: DbOrTx, input: BusinessHoursInput, exceptId: number | null): Promise<BusinessHoursInput> {
  const name = input.name.replace(/\s+/g, ' ').trim();
  if (name === '') throw new BadRequest('name: must not be empty', { field: 'name' });
  const other = await findIdByName(db, name);
  if (other !== undefined && other !== exceptId) throw new Conflict(`A calendar named "${name}" exists.`, 'name_taken');
  try {
    compileCalendar(input);
  } catch (err) {
    if (err instanceof CalendarProblem) throw new BadRequest(err.message, { field: err.field });
    throw err;
  }
  return { ...input, name };
}

export async function createBusinessHours(ctx: AppContext, viewer: Viewer, input: BusinessHoursInput): Promise<BusinessHoursView> {
  const view = await ctx.database.transaction(async (tx) => {
    const clean = await checked(tx, input, null);
    const view = presentBusinessHours(await insertRow(tx, toColumns(clean.name, clean), now()));
    await recordAudit(tx, { actor: agentActor(viewer), action: 'business_hours.created', entityKind: 'business_hours', entityId: view.id, after: view });
    return view;
  });
  // The first calendar made becomes the default one. Awaited so the response's next request sees it.
  await ctx.businessHours.forget(view.id);
  return view;
}

export async function updateBusinessHours(ctx: AppContext, viewer: Viewer, id: number, patch: BusinessHoursPatch): Promise<BusinessHoursView> {
  const view = await ctx.database.transaction(async (tx) => {
    const row = await getRow(tx, id);
    const before = presentBusinessHours(row);
    const merged: BusinessHoursInput = { name: row.name, ...toCalendar(row), ...definedOnly(patch) };
    const clean = await checked(tx, merged, id);
    const after = presentBusinessHours(await updateRow(tx, id, toColumns(clean.name, clean), now()));
    await recordAudit(tx, { actor: agentActor(viewer), action: 'business_hours.updated', entityKind: 'business_hours', entityId: id, before, after });
    return after;
  });
  await ctx.businessHours.forget(id);
  return view;
}

/** Refused while anything (a widget channel, a rule, an SLA policy) still names the calendar. */
export async function deleteBusinessHours(ctx: AppContext, viewer: Viewer, id: number): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    const before = presentBusinessHours(await getRow(tx, id));
    const users = await ctx.businessHours.usersOf(id, tx);
    if (users.length > 0) {
      const list = users.map((u) => `${u.kind} "${u.name}"`).join(', ');
      throw new Conflict(`The calendar is in use by ${list}; change those first.`, 'in_use', { usedBy: users });
    }
    await deleteRow(tx, id);
    await recordAudit(tx, { actor: agentActor(viewer), action: 'business_hours.deleted', entityKind: 'business_hours', entityId: id, before });
  });
  await ctx.businessHours.forget(id);
}

function definedOnly(patch: BusinessHoursPatch): BusinessHoursPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as BusinessHoursPatch;
}
