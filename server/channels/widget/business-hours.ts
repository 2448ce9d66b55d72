import { isOpenAt } from '../../modules/business-hours/business-time.js';
import { CalendarProblem, compileCalendar, WEEKDAYS, type CompiledCalendar, type TimeRange } from '../../modules/business-hours/calendar.js';
import type { WidgetChannelConfig } from './config-schema.js';

type Hours = NonNullable<WidgetChannelConfig['business_hours']>;
/** Looks a shared calendar up by id; null when there is none. */
export type CalendarLookup = (id: number) => CompiledCalendar | null;

const fromConfig = new WeakMap<Hours, CompiledCalendar | null>();

/** The config's "HH:MM-HH:MM" days as a shared calendar; null when no day is open (always closed). */
function configCalendar(hours: Hours): CompiledCalendar | null {
  if (fromConfig.has(hours)) return fromConfig.get(hours) ?? null;
  const weekly: Partial<Record<(typeof WEEKDAYS)[number], TimeRange[]>> = {};
  for (const day of WEEKDAYS) {
    const range = (hours.days as Partial<Record<(typeof WEEKDAYS)[number], string>>)[day];
    if (!range) continue;
    const [from = '', to = ''] = range.split('-');
    weekly[day] = [{ from, to }];
  }
  const compiled = Object.keys(weekly).length === 0 ? null : compileCalendar({ timezone: hours.timezone, weekly, holidays: [], extraWorkdays: [] });
  fromConfig.set(hours, compiled);
  return compiled;
}

/**
 * Whether `at` falls inside the channel's business hours: a shared calendar named by id, or the
 * hours written in the config. No hours configured means always open; a range such as
 * "22:00-02:00" runs into the next morning.
 */
export function withinBusinessHours(hours: WidgetChannelConfig['business_hours'], at = new Date(), calendars?: CalendarLookup): boolean {
  if (!hours) return true;
  if (hours.calendar !== undefined) {
    const calendar = calendars?.(hours.calendar) ?? null;
    return calendar !== null && isOpenAt(calendar, at);
  }
  const calendar = configCalendar(hours);
  return calendar !== null && isOpenAt(calendar, at);
}

/** Config problems with the widgets' hours, each naming its key, so a bad value stops start-up. */
export function widgetHoursProblems(widgets: WidgetChannelConfig[]): string[] {
  const problems: string[] = [];
  widgets.forEach((w, i) => {
    const hours = w.business_hours;
    // A section of the wrong shape is already reported by the schema.
    if (!hours || typeof hours !== 'object' || typeof hours.days !== 'object' || hours.days === null) return;
    const at = `channels.widget[${i}].business_hours`;
    if (hours.calendar !== undefined && Object.keys(hours.days).length > 0) {
      problems.push(`${at}: name a calendar or list days, not both`);
      return;
    }
    if (hours.calendar !== undefined) return;
    try {
      configCalendar(hours);
    } catch (err) {
      if (!(err instanceof CalendarProblem)) throw err;
      const key = err.field === 'timezone' ? 'timezone' : `days.${/^weekly\.(\w+)/.exec(err.field)?.[1] ?? ''}`;
      problems.push(`${at}.${key}: ${err.message.slice(err.field.length + 2)}`);
    }
  });
  return problems;
}

/** Start-up check once the database is open: every calendar a widget names exists. */
export function missingCalendarProblems(widgets: WidgetChannelConfig[], calendars: CalendarLookup): string[] {
  return widgets.flatMap((w, i) => {
    const id = w.business_hours?.calendar;
    return id !== undefined && calendars(id) === null ? [`channels.widget[${i}].business_hours.calendar: no business-hours calendar with id ${id}`] : [];
  });
}
