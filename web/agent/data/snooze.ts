// Snooze presets are wall-clock times in the agent's time zone ("tomorrow 9:00" means 9:00 where they are).

export type SnoozePreset = 'hour' | 'tonight' | 'tomorrow' | 'monday' | 'week';
export const SNOOZE_PRESETS: SnoozePreset[] = ['hour', 'tonight', 'tomorrow', 'monday', 'week'];

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const clocks = new Map<string, Intl.DateTimeFormat>();

function clockFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  let f = clocks.get(timeZone ?? '');
  if (f) return f;
  f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    weekday: 'short',
    hourCycle: 'h23',
  });
  clocks.set(timeZone ?? '', f);
  return f;
}

function wallClock(at: number, timeZone: string | undefined): WallClock {
  const parts = clockFormat(timeZone).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: weekdays.indexOf(get('weekday')),
  };
}

/** The instant at which the given wall-clock time happens in `timeZone`. */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, timeZone?: string): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // Two passes settle the offset, also across a daylight-saving change.
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(at, timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    at += guess - shown;
  }
  return at;
}

export function snoozeUntil(preset: SnoozePreset, now: number, timeZone?: string): number {
  const w = wallClock(now, timeZone);
  const at = (addDays: number, hour: number) => zonedTime(w.year, w.month, w.day + addDays, hour, 0, timeZone);
  switch (preset) {
    case 'hour':
      return now + 3_600_000;
    case 'tonight':
      return w.hour < 18 ? at(0, 18) : at(1, 18);
    case 'tomorrow':
      return at(1, 9);
    case 'monday': {
      const days = ((8 - w.weekday) % 7) || 7;
      return at(days, 9);
    }
    case 'week':
      return at(7, 9);
  }
}
