/** Business-hours calendars as the API returns them, and the text forms the settings screen edits. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeRange {
  from: string;
  to: string;
}

export interface BusinessHours {
  id: number;
  name: string;
  timezone: string;
  weekly: Partial<Record<Weekday, TimeRange[]>>;
  holidays: Array<{ date: string; name?: string }>;
  extraWorkdays: Array<{ date: string; hours: TimeRange[] }>;
}

/** "09:00-12:00, 13:00-18:00" → ranges; an unreadable piece is passed on whole so the server names it. */
export function parseRanges(text: string): TimeRange[] {
  return text
    .split(/[,，;；]/)
    .map((piece) => piece.trim())
    .filter(Boolean)
    .map((piece) => {
      const [from = piece, to = ''] = piece.split(/\s*[-–~～至]\s*/);
      return { from: from.trim(), to: to.trim() };
    });
}

export const formatRanges = (ranges: TimeRange[] | undefined): string => (ranges ?? []).map((r) => `${r.from}-${r.to}`).join(', ');

/** One holiday a line: "2026-10-01 National Day". */
export function parseHolidays(text: string): BusinessHours['holidays'] {
  return lines(text).map((line) => {
    const [date = '', ...rest] = line.split(/\s+/);
    const name = rest.join(' ').trim();
    return name ? { date, name } : { date };
  });
}

export const formatHolidays = (holidays: BusinessHours['holidays']): string =>
  holidays.map((h) => (h.name ? `${h.date} ${h.name}` : h.date)).join('\n');

/** One make-up workday a line: "2026-10-10 09:00-18:00". */
export function parseExtraWorkdays(text: string): BusinessHours['extraWorkdays'] {
  return lines(text).map((line) => {
    const [date = '', ...rest] = line.split(/\s+/);
    return { date, hours: parseRanges(rest.join(' ')) };
  });
}

export const formatExtraWorkdays = (days: BusinessHours['extraWorkdays']): string =>
  days.map((d) => `${d.date} ${formatRanges(d.hours)}`).join('\n');

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The zones the browser knows, for the time-zone suggestions; empty where it cannot list them. */
export function timeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}
