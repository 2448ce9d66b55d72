/**
 * Business-time arithmetic as SLA clocks will use it: a due time 16 working hours out on a
 * Shanghai calendar with 2026's public holidays and make-up Saturdays, from starts spread over
 * the year (many of them the evening before a holiday week), and in New York across DST.
 */
import { performance } from 'node:perf_hooks';
import { addBusinessMinutes, businessMinutesBetween } from '../../server/modules/business-hours/business-time.js';
import { compileCalendar, type Calendar } from '../../server/modules/business-hours/calendar.js';
import { percentile, report } from './lib.js';

const day = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];
const range = (from: string, days: number) =>
  Array.from({ length: days }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const holidays = [
  ...range('2026-01-01', 3),
  ...range('2026-02-15', 9),
  ...range('2026-04-04', 3),
  ...range('2026-05-01', 5),
  ...range('2026-06-19', 3),
  ...range('2026-09-25', 3),
  ...range('2026-10-01', 7),
].map((date) => ({ date, name: 'holiday' }));
const extraWorkdays = ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map((date) => ({ date, hours: day }));
const shanghai: Calendar = { timezone: 'Asia/Shanghai', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays, extraWorkdays };
const newYork: Calendar = { ...shanghai, timezone: 'America/New_York', holidays: [], extraWorkdays: [] };

function timeCalls(runs: number, fn: (i: number) => unknown): number[] {
  for (let i = 0; i < 200; i++) fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

const start = Date.parse('2026-01-01T00:00:00Z');
const step = 37 * 60_000 + 13_000; // odd, so starts land at every time of day
const compiledShanghai = compileCalendar(shanghai);
const compiledNewYork = compileCalendar(newYork);
const runs = 20_000;

const due = timeCalls(runs, (i) => addBusinessMinutes(compiledShanghai, start + i * step, 16 * 60));
const beforeHoliday = timeCalls(runs, (i) => addBusinessMinutes(compiledShanghai, Date.parse('2026-09-30T09:00:00Z') + (i % 600) * 1000, 16 * 60));
const dst = timeCalls(runs, (i) => addBusinessMinutes(compiledNewYork, Date.parse('2026-03-06T20:00:00Z') + (i % 600) * 1000, 16 * 60));
const between = timeCalls(runs, (i) => businessMinutesBetween(compiledShanghai, start + i * step, start + i * step + 14 * 86_400_000));
const cold = timeCalls(2_000, (i) => addBusinessMinutes({ ...shanghai }, start + i * step * 10, 16 * 60));

const us = (samples: number[], p: number) => percentile(samples, p) * 1000;
report([
  { name: 'due in 16 working h, Shanghai 2026, p50', value: us(due, 50), unit: 'µs' },
  { name: 'due in 16 working h, Shanghai 2026, p99', value: us(due, 99), unit: 'µs', target: '< 1000' },
  { name: 'due across the National Day week, p99', value: us(beforeHoliday, 99), unit: 'µs', target: '< 1000' },
  { name: 'due across New York spring-forward, p99', value: us(dst, 99), unit: 'µs', target: '< 1000' },
  { name: 'working minutes in a 14-day span, p99', value: us(between, 99), unit: 'µs', target: '< 1000' },
  // Callers keep calendars compiled (the directory does); this is the price of a first use, wall time
  // on a shared machine, so its tail is mostly waiting for a core.
  { name: 'due on an uncompiled calendar (checks it too), p50', value: us(cold, 50), unit: 'µs' },
  { name: 'due on an uncompiled calendar (checks it too), p99', value: us(cold, 99), unit: 'µs' },
]);
