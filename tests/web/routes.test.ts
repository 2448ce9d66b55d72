import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from '../../web/agent/data/routes.js';

describe('routes', () => {
  const cases: [string, Route][] = [
    ['#/inbox/mine', { name: 'inbox', view: 'mine', ticketId: null }],
    ['#/inbox/label%3A%E9%80%80%E6%AC%BE/ticket/42', { name: 'inbox', view: 'label:退款', ticketId: 42 }],
    [
      '#/inbox/all?createdFrom=2026-03-01T16%3A00%3A00.000Z&createdTo=2026-03-08T16%3A00%3A00.000Z&status=open%2Cpending%2Csnoozed%2Cresolved%2Cclosed&assignee=4',
      { name: 'inbox', view: 'all', ticketId: null, link: 'createdFrom=2026-03-01T16%3A00%3A00.000Z&createdTo=2026-03-08T16%3A00%3A00.000Z&status=open%2Cpending%2Csnoozed%2Cresolved%2Cclosed&assignee=4' },
    ],
    ['#/inbox/all/ticket/9?resolvedFrom=2026-03-01&label=%E9%80%80%E6%AC%BE', { name: 'inbox', view: 'all', ticketId: 9, link: 'resolvedFrom=2026-03-01&label=%E9%80%80%E6%AC%BE' }],
    ['#/contacts/7', { name: 'contacts', contactId: 7 }],
    ['#/contacts', { name: 'contacts', contactId: null }],
    ['#/kb', { name: 'kb', article: null }],
    ['#/kb/12', { name: 'kb', article: 12 }],
    ['#/kb/new', { name: 'kb', article: { new: true } }],
    ['#/kb/new?of=12&locale=zh-TW', { name: 'kb', article: { new: true, translationOf: 12, locale: 'zh-TW' } }],
    ['#/admin/labels', { name: 'admin', section: 'labels' }],
    ['#/profile', { name: 'profile' }],
    ['#/search?q=%E5%8F%91%E7%A5%A8', { name: 'search', params: { q: '发票' } }],
    [
      '#/search?q=refund+me&status=open%2Cpending&assignee=me&channel=wechat&team=3&from=2026-01-01&to=2026-01-31',
      { name: 'search', params: { q: 'refund me', status: 'open,pending', assignee: 'me', channel: 'wechat', team: 3, from: '2026-01-01', to: '2026-01-31' } },
    ],
  ];
  it.each(cases)('parses %s and formats it back', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    expect(formatRoute(route)).toBe(hash);
  });

  it('keeps only the filters a link may set on an inbox view', () => {
    expect(parseRoute('#/inbox/all?foo=1&label=vip&q=')).toEqual({ name: 'inbox', view: 'all', ticketId: null, link: 'label=vip' });
    expect(parseRoute('#/inbox/all?foo=1')).toEqual({ name: 'inbox', view: 'all', ticketId: null });
  });

  it('falls back to my inbox for unknown or broken hashes', () => {
    expect(parseRoute('')).toEqual({ name: 'inbox', view: 'mine', ticketId: null });
    expect(parseRoute('#/nowhere')).toEqual({ name: 'inbox', view: 'mine', ticketId: null });
    expect(parseRoute('#/inbox/all/ticket/abc')).toEqual({ name: 'inbox', view: 'all', ticketId: null });
    expect(parseRoute('#/kb/abc')).toEqual({ name: 'kb', article: null });
    expect(parseRoute('#/admin/secrets')).toEqual({ name: 'admin', section: 'agents' });
    expect(parseRoute('#/search?q=x&team=abc&from=yesterday')).toEqual({ name: 'search', params: { q: 'x' } });
  });
});
