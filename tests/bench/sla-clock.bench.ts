/**
 * Due times for one ticket from its history, as every SLA re-computation does: a ticket with 30
 * messages (customer and agent turns, two spells pending) running across China's National Day week,
 * on a Shanghai calendar with 2026's holidays and a make-up Saturday (调休), counting first
 * response, every next response and resolution, with warning times. Target p99 < 1 ms.
 */
import { performance } from 'node:perf_hooks';
import { compileCalendar, type Calendar } from '../../server/modules/business-hours/calendar.js';
import { computeClocks, type ClockPolicy, type TicketHistory } from '../../server/modules/sla/clock.js';
import { loadPerCore, percentile, report } from './lib.js';

const day = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];
const range = (from: string, days: number) =>
  Array.from({ length: days }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
const holidays = [...range('2026-01-01', 3), ...range('2026-02-15', 9), ...range('2026-05-01', 5), ...range('2026-09-25', 3), ...range('2026-10-01', 7)].map((date) => ({
  date,
  name: '节假日',
}));
const extraWorkdays = ['2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].map((date) => ({ date, hours: day }));
const shanghai: Calendar = { timezone: 'Asia/Shanghai', weekly: { mon: day, tue: day, wed: day, thu: day, fri: day }, holidays, extraWorkdays };

const policy: ClockPolicy = {
  calendar: compileCalendar(shanghai),
  pauseWhenPending: true,
  pauseWhenSnoozed: true,
  firstResponseMinutes: 60,
  nextResponseMinutes: 120,
  resolutionMinutes: 40 * 60,
  warningMinutes: null,
  warningPercent: 20,
};

const MIN = 60_000;
/** 30 messages from `start`, turns a few working hours apart, with two pending spells; the last one from the customer. */
function history(start: number): TicketHistory {
  const messages: TicketHistory['messages'] = [];
  let at = start;
  for (let i = 0; i < 30; i++) {
    // Gaps from 20 minutes to most of a day, so turns land on evenings, weekends and the holiday week.
    at += (20 + ((i * 397) % 900)) * MIN;
    messages.push({ at, from: i % 2 === 0 || i === 29 ? 'customer' : 'agent' });
  }
  const m = (i: number) => messages[i]!.at;
  return {
    createdAt: start,
    initialStatus: 'open',
    statusChanges: [
      { at: m(7) + MIN, to: 'pending' },
      { at: m(8), to: 'open' },
      { at: m(19) + MIN, to: 'pending' },
      { at: m(20), to: 'open' },
    ],
    messages,
  };
}

// Starts spread over the fortnight around National Day, at every time of day.
const starts = Array.from({ length: 500 }, (_, i) => Date.parse('2026-09-24T00:00:00Z') + i * 41 * MIN);
const histories = starts.map(history);
const at = Date.parse('2026-10-20T00:00:00Z');

let clocks = 0;
const run = (i: number) => {
  clocks += computeClocks(policy, histories[i % histories.length]!, at).length;
};
for (let i = 0; i < 1000; i++) run(i);
const wall: number[] = [];
const cpu: number[] = [];
const load = loadPerCore();
for (let i = 0; i < 10_000; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  run(i);
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
if (clocks === 0) throw new Error('no clocks computed: the bench would measure nothing');

report([
  { name: 'due times, 30 messages across holidays: p50', value: percentile(wall, 50), unit: 'ms' },
  { name: `due times, 30 messages across holidays: p99 wall (load ${load.toFixed(1)}/core)`, value: percentile(wall, 99), unit: 'ms' },
  { name: 'due times, 30 messages across holidays: p99 CPU', value: percentile(cpu, 99), unit: 'ms', target: '< 1' },
]);
