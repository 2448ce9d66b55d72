import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { isOpenAt } from '../business-hours/business-time.js';
import type { BusinessHours } from './conditions.js';
import type { Conditions } from './schemas.js';

/**
 * The inside/outside-business-hours condition answered by the shared calendars. A rule that
 * names no calendar asks the default one (the first made); with no calendar at all every instant
 * counts as open, as for a rule whose calendar is gone; the
 * second cannot happen while the rule stands, because rules register as users of the
 * calendars they name and a calendar in use cannot be deleted.
 */
export function calendarHours(ctx: AppContext): BusinessHours {
  return {
    isOpenAt(calendarId, instant) {
      const calendar = calendarId === null ? ctx.businessHours.defaultCalendar() : ctx.businessHours.calendar(calendarId);
      return calendar ? isOpenAt(calendar, instant) : true;
    },
  };
}

/** The live rules whose conditions name calendar `id`, for the refusal to delete it. */
export async function rulesUsingCalendar(db: DbOrTx, id: number): Promise<Array<{ kind: string; name: string }>> {
  const rows = await db.selectFrom('rules').select(['name', 'conditions']).where('deleted_at', 'is', null).execute();
  return rows.filter((r) => namesCalendar(JSON.parse(r.conditions) as Conditions, id)).map((r) => ({ kind: 'rule', name: r.name }));
}

function namesCalendar(conditions: Conditions, id: number): boolean {
  return [...(conditions.all ?? []), ...(conditions.any ?? [])].some((c) => c.field === 'business_hours' && Number(c.value) === id);
}
