import { describe, expect, it } from 'vitest';
import type { Calendar } from '../../../../server/modules/business-hours/calendar.js';
import { computeClocks, type ClockPolicy, type TicketHistory } from '../../../../server/modules/sla/clock.js';

const nineToSix = [{ from: '09:00', to: '18:00' }];
// Shanghai has no DST, so the expected instants below are plain +08:00 times.
const office: Calendar = {
  timezone: 'Asia/Shanghai',
  weekly: { mon: nineToSix, tue: nineToSix, wed: nineToSix, thu: nineToSix, fri: nineToSix },
  holidays: [{ date: '2026-10-05', name: 'National Day' }],
  extraWorkdays: [],
};
const t = (local: string): number => Date.parse(`${local}+08:00`);
const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

const policy = (over: Partial<ClockPolicy> = {}): ClockPolicy => ({
  calendar: office,
  pauseWhenPending: true,
  pauseWhenSnoozed: true,
  firstResponseMinutes: 30,
  nextResponseMinutes: null,
  resolutionMinutes: null,
  warningMinutes: null,
  warningPercent: null,
  ...over,
});
const history = (over: Partial<TicketHistory> = {}): TicketHistory => ({
  createdAt: t('2026-10-02T17:50:00'),
  initialStatus: 'open',
  statusChanges: [],
  messages: [{ at: t('2026-10-02T17:50:00'), from: 'customer' }],
  ...over,
});
const first = (p: ClockPolicy, h: TicketHistory, at: number) => computeClocks(p, h, at).find((c) => c.target === 'first_response');

describe('SLA clocks', () => {
  it.each([
    // [case, created, calendar, minutes, due]
    ['urgent email at 17:50 on a Friday: 10 min Friday, 20 min Monday', '2026-09-25T17:50:00', office, 30, '2026-09-28T09:20:00'],
    ['across a weekend and a Monday holiday', '2026-10-02T17:50:00', office, 30, '2026-10-06T09:20:00'],
    ['arriving on a Saturday starts Monday morning', '2026-09-26T11:00:00', office, 60, '2026-09-28T10:00:00'],
    ['calendar time ignores the office', '2026-09-25T17:50:00', null, 30, '2026-09-25T18:20:00'],
  ] as const)('%s', (_case, created, calendar, minutes, due) => {
    const h = history({ createdAt: t(created), messages: [{ at: t(created), from: 'customer' }] });
    const c = first(policy({ calendar, firstResponseMinutes: minutes }), h, t(created));
    expect(iso(c?.dueAt)).toBe(iso(t(due)));
    expect(c?.status).toBe('running');
  });

  it('pauses while pending and resumes where it stopped', () => {
    const h = history({
      createdAt: t('2026-09-28T10:00:00'),
      messages: [{ at: t('2026-09-28T10:00:00'), from: 'customer' }],
      statusChanges: [{ at: t('2026-09-28T10:10:00'), to: 'pending' }],
    });
    const p = policy({ firstResponseMinutes: 30 });
    const paused = first(p, h, t('2026-09-28T12:00:00'));
    expect(paused?.status).toBe('paused');
    expect(paused?.dueAt).toBeNull();
    h.statusChanges.push({ at: t('2026-09-28T14:00:00'), to: 'open' });
    const resumed = first(p, h, t('2026-09-28T14:00:00'));
    expect(resumed?.status).toBe('running');
    // 10 minutes used before the pause, 20 left after 14:00.
    expect(iso(resumed?.dueAt)).toBe(iso(t('2026-09-28T14:20:00')));
    // Without pausing on pending the clock ran through.
    expect(iso(first(policy({ pauseWhenPending: false }), h, t('2026-09-28T14:00:00'))?.dueAt)).toBe(iso(t('2026-09-28T10:30:00')));
  });

  it('is met by the first agent reply, breached when the reply came late', () => {
    const created = t('2026-09-28T10:00:00');
    const onTime = history({ createdAt: created, messages: [{ at: created, from: 'customer' }, { at: t('2026-09-28T10:20:00'), from: 'agent' }] });
    expect(first(policy(), onTime, t('2026-09-28T12:00:00'))?.status).toBe('met');
    const late = history({ createdAt: created, messages: [{ at: created, from: 'customer' }, { at: t('2026-09-28T10:45:00'), from: 'agent' }] });
    expect(first(policy(), late, t('2026-09-28T12:00:00'))).toMatchObject({ status: 'breached', metAt: t('2026-09-28T10:45:00') });
    const none = history({ createdAt: created, messages: [{ at: created, from: 'customer' }] });
    expect(first(policy(), none, t('2026-09-28T10:31:00'))?.status).toBe('breached');
  });

  it('runs a next-response clock for each customer message waiting for a reply', () => {
    const created = t('2026-09-28T10:00:00');
    const h = history({
      createdAt: created,
      messages: [
        { at: created, from: 'customer' },
        { at: t('2026-09-28T10:05:00'), from: 'agent' },
        { at: t('2026-09-28T11:00:00'), from: 'customer' },
        { at: t('2026-09-28T11:10:00'), from: 'customer' },
        { at: t('2026-09-28T11:30:00'), from: 'agent' },
        { at: t('2026-09-28T17:30:00'), from: 'customer' },
      ],
    });
    const next = computeClocks(policy({ nextResponseMinutes: 60 }), h, t('2026-09-28T17:40:00')).filter((c) => c.target === 'next_response');
    expect(next.map((c) => [c.cycle, c.status, iso(c.dueAt)])).toEqual([
      [1, 'met', iso(t('2026-09-28T12:00:00'))],
      // 30 minutes Monday evening, 30 Tuesday morning.
      [2, 'running', iso(t('2026-09-29T09:30:00'))],
    ]);
  });

  it('warns a number of minutes or a share of the target before the due time', () => {
    const h = history({ createdAt: t('2026-09-28T10:00:00') });
    expect(iso(first(policy({ warningMinutes: 10 }), h, 0)?.warnAt)).toBe(iso(t('2026-09-28T10:20:00')));
    expect(iso(first(policy({ warningPercent: 50 }), h, 0)?.warnAt)).toBe(iso(t('2026-09-28T10:15:00')));
    expect(first(policy(), h, 0)?.warnAt).toBeNull();
  });

  it('stops resolution while resolved and restarts it on reopen', () => {
    const created = t('2026-09-28T10:00:00');
    const h = history({ createdAt: created, statusChanges: [{ at: t('2026-09-28T11:00:00'), to: 'resolved' }] });
    const p = policy({ firstResponseMinutes: null, resolutionMinutes: 240 });
    expect(computeClocks(p, h, t('2026-09-28T12:00:00'))[0]).toMatchObject({ status: 'met', metAt: t('2026-09-28T11:00:00') });
    h.statusChanges.push({ at: t('2026-09-28T15:00:00'), to: 'open' });
    const reopened = computeClocks(p, h, t('2026-09-28T15:00:00'))[0];
    expect(reopened?.status).toBe('running');
    expect(iso(reopened?.dueAt)).toBe(iso(t('2026-09-28T18:00:00')));
  });
});
