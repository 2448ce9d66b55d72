import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  businessMinutesBetween,
  isOpenAt,
  nextOpenAt,
} from '../../../../server/modules/business-hours/business-time.js';
import { compileCalendar, type Calendar, type TimeRange } from '../../../../server/modules/business-hours/calendar.js';

const day = (...ranges: Array<[string, string]>): TimeRange[] => ranges.map(([from, to]) => ({ from, to }));
const workday = day(['09:00', '12:00'], ['13:00', '18:00']);

/** Shanghai office with a lunch break, the National Day week off and the make-up Saturday after it. */
const shanghai: Calendar = {
  timezone: 'Asia/Shanghai',
  weekly: { mon: workday, tue: workday, wed: workday, thu: workday, fri: workday },
  holidays: ['01', '02', '03', '04', '05', '06', '07'].map((d) => ({ date: `2026-10-${d}`, name: '国庆节' })),
  extraWorkdays: [{ date: '2026-10-10', hours: day(['09:00', '18:00']) }],
};

const nightly = day(['22:00', '06:00']);
const newYorkNights: Calendar = {
  timezone: 'America/New_York',
  weekly: { sun: nightly, mon: nightly, tue: nightly, wed: nightly, thu: nightly, fri: nightly, sat: nightly },
  holidays: [],
  extraWorkdays: [],
};
const nineToFive = day(['09:00', '17:00']);
const newYorkDays: Calendar = {
  timezone: 'America/New_York',
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
  holidays: [],
  extraWorkdays: [],
};
/** Sunday 01:00–03:00: the hour DST skips or repeats falls inside it. */
const newYorkSundayNight: Calendar = { timezone: 'America/New_York', weekly: { sun: day(['01:00', '03:00']) }, holidays: [], extraWorkdays: [] };
const shanghaiNights: Calendar = {
  timezone: 'Asia/Shanghai',
  weekly: { sun: nightly, mon: nightly, tue: nightly, wed: nightly, thu: nightly, fri: nightly, sat: nightly },
  holidays: [{ date: '2026-10-01' }],
  extraWorkdays: [],
};

const calendars = { shanghai, newYorkNights, newYorkDays, newYorkSundayNight, shanghaiNights };
type Name = keyof typeof calendars;

describe('isOpenAt', () => {
  it.each<[Name, string, boolean, string]>([
    ['shanghai', '2026-09-30T02:00:00Z', true, 'Wednesday 10:00'],
    ['shanghai', '2026-09-30T04:30:00Z', false, 'Wednesday 12:30, lunch'],
    ['shanghai', '2026-09-26T02:00:00Z', false, 'Saturday 10:00, weekend'],
    ['shanghai', '2026-10-01T02:00:00Z', false, 'Thursday 10:00, National Day'],
    ['shanghai', '2026-10-10T02:00:00Z', true, 'Saturday 10:00, make-up workday'],
    ['shanghai', '2026-10-11T02:00:00Z', false, 'Sunday 10:00'],
    ['shanghai', '2026-10-09T09:59:00Z', true, 'Friday 17:59'],
    ['shanghai', '2026-10-09T10:00:00Z', false, 'Friday 18:00, the end is not open'],
    ['newYorkNights', '2026-03-08T07:30:00Z', true, 'spring-forward Sunday 03:30 EDT'],
    ['newYorkNights', '2026-03-08T10:30:00Z', false, 'spring-forward Sunday 06:30 EDT'],
    ['newYorkNights', '2026-03-08T09:59:00Z', true, 'spring-forward Sunday 05:59 EDT'],
    ['newYorkNights', '2026-11-01T10:30:00Z', true, 'fall-back Sunday 05:30 EST'],
    ['newYorkNights', '2026-11-01T11:00:00Z', false, 'fall-back Sunday 06:00 EST'],
    ['shanghaiNights', '2026-09-30T18:00:00Z', true, '02:00 on the holiday, the shift began the evening before'],
    ['shanghaiNights', '2026-10-01T15:00:00Z', false, '23:00 on the holiday'],
    ['shanghaiNights', '2026-10-01T19:00:00Z', false, '03:00 after the holiday, still the holiday shift'],
    ['shanghaiNights', '2026-10-02T15:00:00Z', true, '23:00 the day after'],
  ])('%s at %s: %s (%s)', (name, at, expected) => {
    expect(isOpenAt(calendars[name], new Date(at))).toBe(expected);
  });
});

describe('nextOpenAt', () => {
  it.each<[Name, string, string, string]>([
    ['shanghai', '2026-09-30T02:00:00Z', '2026-09-30T02:00:00.000Z', 'already open'],
    ['shanghai', '2026-09-30T04:10:00Z', '2026-09-30T05:00:00.000Z', 'after lunch'],
    ['shanghai', '2026-09-30T10:30:00Z', '2026-10-08T01:00:00.000Z', 'across the holiday week'],
    ['shanghai', '2026-10-09T11:00:00Z', '2026-10-10T01:00:00.000Z', 'the make-up Saturday'],
    ['shanghai', '2026-10-10T10:00:00Z', '2026-10-12T01:00:00.000Z', 'past Sunday'],
    ['newYorkNights', '2026-03-08T10:30:00Z', '2026-03-09T02:00:00.000Z', '22:00 EDT after spring-forward'],
    ['newYorkNights', '2026-11-01T11:30:00Z', '2026-11-02T03:00:00.000Z', '22:00 EST after fall-back'],
  ])('%s from %s → %s (%s)', (name, at, expected) => {
    expect(nextOpenAt(calendars[name], new Date(at))?.toISOString()).toBe(expected);
  });

  it('is null for a calendar whose only open day is past', () => {
    const once: Calendar = { timezone: 'UTC', weekly: {}, holidays: [], extraWorkdays: [{ date: '2026-01-03', hours: nineToFive }] };
    expect(nextOpenAt(once, new Date('2026-01-03T08:00:00Z'))?.toISOString()).toBe('2026-01-03T09:00:00.000Z');
    expect(nextOpenAt(once, new Date('2026-01-04T00:00:00Z'))).toBeNull();
  });
});

describe('addBusinessMinutes', () => {
  it.each<[Name, string, number, string, string]>([
    ['shanghai', '2026-09-30T03:30:00Z', 60, '2026-09-30T05:30:00.000Z', 'skips lunch'],
    ['shanghai', '2026-09-30T09:00:00Z', 120, '2026-10-08T02:00:00.000Z', 'skips the holiday week'],
    ['shanghai', '2026-10-09T09:30:00Z', 60, '2026-10-10T01:30:00.000Z', 'lands on the make-up Saturday'],
    ['shanghai', '2026-09-26T02:00:00Z', 0, '2026-09-28T01:00:00.000Z', 'zero minutes on a weekend is the next opening'],
    ['shanghai', '2026-09-28T01:00:00Z', 2400, '2026-10-09T10:00:00.000Z', 'five working days that span the holiday end on Friday at 18:00'],
    ['newYorkNights', '2026-03-08T03:00:00Z', 240, '2026-03-08T07:00:00.000Z', 'four real hours through spring-forward'],
    ['newYorkNights', '2026-03-08T03:00:00Z', 420, '2026-03-08T10:00:00.000Z', 'the short night is seven hours'],
    ['newYorkNights', '2026-03-08T03:00:00Z', 421, '2026-03-09T02:01:00.000Z', 'one minute more waits for the next night'],
    ['newYorkNights', '2026-11-01T02:00:00Z', 480, '2026-11-01T10:00:00.000Z', 'eight real hours through fall-back'],
    ['newYorkDays', '2026-03-06T21:00:00Z', 120, '2026-03-09T14:00:00.000Z', 'Friday 16:00 EST to Monday 10:00 EDT'],
  ])('%s from %s + %i min → %s (%s)', (name, start, minutes, expected) => {
    expect(addBusinessMinutes(calendars[name], new Date(start), minutes)?.toISOString()).toBe(expected);
  });
});

describe('businessMinutesBetween', () => {
  it.each<[Name, string, string, number, string]>([
    ['shanghai', '2026-09-30T01:00:00Z', '2026-10-08T01:00:00Z', 480, 'a working day and a holiday week'],
    ['shanghai', '2026-10-09T01:00:00Z', '2026-10-12T01:00:00Z', 1020, 'Friday (8 h) and the make-up Saturday (9 h, no lunch)'],
    ['shanghai', '2026-09-30T03:30:00Z', '2026-09-30T05:30:00Z', 60, 'over lunch'],
    ['shanghai', '2026-10-12T01:00:00Z', '2026-10-09T01:00:00Z', -1020, 'backwards is negative'],
    ['newYorkNights', '2026-03-07T12:00:00Z', '2026-03-08T18:00:00Z', 420, 'the spring-forward night'],
    ['newYorkNights', '2026-10-31T12:00:00Z', '2026-11-01T18:00:00Z', 540, 'the fall-back night'],
    ['newYorkSundayNight', '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z', 60, '01:00–03:00 when 02:00 is skipped'],
    ['newYorkSundayNight', '2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z', 180, '01:00–03:00 when 01:00 repeats'],
    ['newYorkSundayNight', '2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z', 120, 'an ordinary Sunday'],
  ])('%s from %s to %s: %i (%s)', (name, a, b, expected) => {
    expect(businessMinutesBetween(calendars[name], new Date(a), new Date(b))).toBe(expected);
  });
});

describe('compileCalendar', () => {
  const base: Calendar = { timezone: 'UTC', weekly: { mon: nineToFive }, holidays: [], extraWorkdays: [] };
  it.each<[string, Partial<Calendar>, string]>([
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['no working hours', { weekly: {} }, 'weekly'],
    ['overlapping ranges', { weekly: { mon: day(['09:00', '12:00'], ['11:00', '18:00']) } }, 'weekly.mon'],
    ['a night running into the next day', { weekly: { sat: nightly, sun: day(['05:00', '10:00']) } }, 'weekly.sat'],
    ['a malformed time', { weekly: { mon: day(['9:00', '17:00']) } }, 'weekly.mon[0].from'],
    ['an hour past 24', { weekly: { mon: day(['09:00', '24:30']) } }, 'weekly.mon[0].to'],
    ['an empty range', { weekly: { mon: day(['09:00', '09:00']) } }, 'weekly.mon[0]'],
    ['an impossible date', { holidays: [{ date: '2026-02-30' }] }, 'holidays[0].date'],
    ['a date twice', { holidays: [{ date: '2026-02-03' }, { date: '2026-02-03' }] }, 'holidays[1].date'],
    ['a holiday that is also a workday', { holidays: [{ date: '2026-02-03' }], extraWorkdays: [{ date: '2026-02-03', hours: nineToFive }] }, 'extraWorkdays[0].date'],
    ['an extra workday without hours', { extraWorkdays: [{ date: '2026-02-07', hours: [] }] }, 'extraWorkdays[0].hours'],
  ])('refuses %s, naming %s', (_what, change, field) => {
    expect(() => compileCalendar({ ...base, ...change })).toThrow(expect.objectContaining({ field }));
  });

  it('accepts a day that ends at 24:00 and a night that stops where the next day starts', () => {
    expect(() => compileCalendar({ ...base, weekly: { fri: day(['18:00', '24:00']), sat: day(['22:00', '06:00']), sun: day(['06:00', '12:00']) } })).not.toThrow();
  });
});
