import type { WidgetChannelConfig } from './config-schema.js';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

// Building a formatter costs far more than using one, and every session and chat asks.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Whether `at` falls inside the channel's business hours; no hours configured means always open. */
export function withinBusinessHours(hours: WidgetChannelConfig['business_hours'], at = new Date()): boolean {
  if (!hours) return true;
  const parts = formatter(hours.timezone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as (typeof DAYS)[number];
  const range = (hours.days as Partial<Record<(typeof DAYS)[number], string>>)[day];
  if (!range) return false;
  const minutes = Number(get('hour')) * 60 + Number(get('minute'));
  const [from = 0, to = 0] = range.split('-').map((t) => {
    const [h = '0', m = '0'] = t.split(':');
    return Number(h) * 60 + Number(m);
  });
  // "22:00-06:00" spans midnight: the part after midnight belongs to the same day's entry.
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}
