import { describe, expect, it } from 'vitest';
import type { Ticket } from '../../web/shared/types.js';
import { anchoredScrollTop, compareTickets, mergeTicket } from '../../web/agent/data/list-merge.js';
import { DEFAULT_FILTERS, matchesView, parseView, statusChoices, viewQuery } from '../../web/agent/data/views.js';
import { tabTitle } from '../../web/agent/data/tab-title.js';
import { visibleRange } from '../../web/agent/data/virtual-range.js';

function ticket(id: number, minutesAgo: number, over: Partial<Ticket> = {}): Ticket {
  const at = new Date(Date.parse('2026-03-10T12:00:00Z') - minutesAgo * 60_000).toISOString();
  return {
    id,
    number: 1000 + id,
    subject: `T${id}`,
    status: 'open',
    snoozedUntil: null,
    priority: 'normal',
    channel: { kind: 'email', name: 'support' },
    contact: { id: 1, name: 'C' },
    assignee: null,
    team: null,
    labels: [],
    customFields: {},
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    firstResponseAt: null,
    resolvedAt: null,
    reopenCount: 0,
    lastMessage: null,
    unread: false,
    messageCount: 1,
    ...over,
  };
}

const desc = { sort: 'last_activity', order: 'desc' } as const;
const ids = (l: Ticket[]) => l.map((x) => x.id);

describe('views', () => {
  it('turns sidebar entries into list queries', () => {
    expect(viewQuery(parseView('mine'), DEFAULT_FILTERS)).toMatchObject({ view: 'mine', status: 'open,pending', sort: 'last_activity', order: 'desc' });
    expect(viewQuery(parseView('snoozed'), DEFAULT_FILTERS)).toMatchObject({ view: 'all', status: 'snoozed' });
    expect(viewQuery(parseView('label:vip'), DEFAULT_FILTERS)).toMatchObject({ view: 'all', label: 'vip' });
    expect(viewQuery(parseView('channel:widget'), { ...DEFAULT_FILTERS, priority: 'high' })).toMatchObject({ channel: 'widget', priority: 'high' });
  });

  it('decides whether a live ticket belongs to a view', () => {
    const me = { id: 5, teamIds: [2] };
    const mine = ticket(1, 0, { assignee: { id: 5, name: 'Me' } });
    expect(matchesView(mine, parseView('mine'), DEFAULT_FILTERS, me)).toBe(true);
    expect(matchesView(mine, parseView('unassigned'), DEFAULT_FILTERS, me)).toBe(false);
    expect(matchesView({ ...mine, status: 'resolved' }, parseView('mine'), DEFAULT_FILTERS, me)).toBe(false);
    expect(matchesView({ ...mine, status: 'resolved' }, parseView('resolved'), DEFAULT_FILTERS, me)).toBe(true);
    expect(matchesView(ticket(2, 0, { team: { id: 2, name: 'L2' } }), parseView('team'), DEFAULT_FILTERS, me)).toBe(true);
    expect(matchesView(ticket(3, 0, { labels: ['vip'] }), parseView('label:vip'), DEFAULT_FILTERS, me)).toBe(true);
  });

  it.each([
    ['mine', 'filter.anyStatus', ['open', 'pending', 'snoozed', 'resolved', 'closed']],
    ['snoozed', 'status.snoozed', ['open', 'pending', 'resolved', 'closed']],
    ['resolved', 'filter.resolvedClosed', ['open', 'pending', 'snoozed', 'resolved', 'closed']],
  ])('names the %s view’s own statuses first, then each status and all of them', (view, first, single) => {
    const choices = statusChoices(parseView(view));
    expect(choices[0]).toEqual({ value: '', label: first });
    expect(choices.slice(1, -1).map((c) => c.value)).toEqual(single);
    expect(choices.at(-1)).toEqual({ value: 'open,pending,snoozed,resolved,closed', label: 'filter.allStatuses' });
  });

  it('lists closed tickets under a Closed or All statuses filter', () => {
    const me = { id: 5, teamIds: [] };
    const closed = ticket(1, 0, { status: 'closed', assignee: { id: 5, name: 'Me' } });
    expect(matchesView(closed, parseView('mine'), DEFAULT_FILTERS, me)).toBe(false);
    expect(matchesView(closed, parseView('mine'), { ...DEFAULT_FILTERS, status: ['closed'] }, me)).toBe(true);
    const all = statusChoices(parseView('mine')).at(-1)!.value.split(',') as Ticket['status'][];
    expect(viewQuery(parseView('resolved'), { ...DEFAULT_FILTERS, status: all })).toMatchObject({ status: 'open,pending,snoozed,resolved,closed' });
    expect(matchesView(closed, parseView('mine'), { ...DEFAULT_FILTERS, status: all }, me)).toBe(true);
  });
});

describe('tabTitle', () => {
  it.each([
    [0, 'Kefu'],
    [3, '(3) Kefu'],
  ])('with %i unread is %s', (n, title) => expect(tabTitle(n)).toBe(title));
});

describe('mergeTicket', () => {
  const list = [ticket(1, 1), ticket(2, 5), ticket(3, 10)];

  it('moves a ticket with new activity to the top', () => {
    expect(ids(mergeTicket(list, ticket(3, 0), true, desc, true))).toEqual([3, 1, 2]);
  });
  it('inserts a new ticket at its sorted place', () => {
    expect(ids(mergeTicket(list, ticket(9, 7), true, desc, true))).toEqual([1, 2, 9, 3]);
  });
  it('drops a ticket that left the view', () => {
    expect(ids(mergeTicket(list, ticket(2, 0), false, desc, true))).toEqual([1, 3]);
  });
  it('returns the same list when an unrelated ticket leaves', () => {
    expect(mergeTicket(list, ticket(42, 0), false, desc, true)).toBe(list);
  });
  it('leaves out a ticket past the last loaded row when more pages exist', () => {
    expect(ids(mergeTicket(list, ticket(9, 60), true, desc, false))).toEqual([1, 2, 3]);
  });
  it('sorts by priority, then activity', () => {
    const urgent = ticket(7, 30, { priority: 'urgent' });
    expect(compareTickets(urgent, ticket(1, 0), { sort: 'priority', order: 'desc' })).toBeLessThan(0);
  });
});

describe('anchoredScrollTop', () => {
  const rh = 78;
  const before = Array.from({ length: 50 }, (_, i) => ticket(i + 1, i + 1));

  it('keeps the row at the top of the viewport in place when one is inserted above', () => {
    const after = [ticket(100, 0), ...before];
    const top = 10 * rh + 20;
    expect(anchoredScrollTop(before, after, top, rh)).toBe(11 * rh + 20);
  });
  it('does not move when the agent is at the very top, so new tickets are seen', () => {
    expect(anchoredScrollTop(before, [ticket(100, 0), ...before], 0, rh)).toBe(0);
  });
  it('follows the next visible row when the anchor itself left', () => {
    const after = before.filter((x) => x.id !== 11);
    expect(anchoredScrollTop(before, after, 10 * rh, rh)).toBe(9 * rh);
  });
});

describe('visibleRange', () => {
  it('renders only the visible rows plus overscan out of 1,000', () => {
    const r = visibleRange(500 * 78, 780, 78, 1000, 8);
    expect(r).toEqual({ start: 492, end: 519 });
    expect(r.end - r.start).toBeLessThan(40);
  });
  it('clamps at both ends', () => {
    expect(visibleRange(0, 780, 78, 5)).toEqual({ start: 0, end: 5 });
    expect(visibleRange(0, 780, 78, 0)).toEqual({ start: 0, end: 0 });
  });
});
