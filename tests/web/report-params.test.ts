import { describe, expect, it } from 'vitest';
import { apiQuery, formatReportParams, parseReportParams, zoneMidnight, zoneToday } from '../../web/agent/data/reports.js';
import { formatRoute, parseRoute } from '../../web/agent/data/routes.js';

describe('report parameters', () => {
  it.each([
    ['2026-03-02', 'Asia/Shanghai', '2026-03-01T16:00:00.000Z'],
    ['2026-03-02', 'UTC', '2026-03-02T00:00:00.000Z'],
    // New York: EST until 8 March 2026, EDT after
    ['2026-03-08', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-03-02', 'Asia/Kolkata', '2026-03-01T18:30:00.000Z'],
  ])('a day %s starts in %s at %s', (day, tz, iso) => {
    expect(new Date(zoneMidnight(day, tz)).toISOString()).toBe(iso);
  });

  it('asks the API for whole local days, the last one included', () => {
    const p = parseReportParams('from=2026-03-02&to=2026-03-08&tz=Asia/Shanghai&channel=support&team=3&by=label', 'UTC');
    expect(apiQuery(p)).toMatchObject({ from: '2026-03-01T16:00:00.000Z', to: '2026-03-08T16:00:00.000Z', timezone: 'Asia/Shanghai', channel: 'support', teamId: 3 });
    expect(p.by).toBe('label');
    expect(parseReportParams(formatReportParams(p), 'UTC')).toEqual(p);
  });

  it('falls back to the last 30 days in the agent’s zone, and ignores what it cannot read', () => {
    const p = parseReportParams('from=yesterday&team=-1&by=weather', 'Asia/Taipei');
    expect(p.tz).toBe('Asia/Taipei');
    expect(p.to).toBe(zoneToday('Asia/Taipei'));
    expect(Date.parse(p.to) - Date.parse(p.from)).toBe(29 * 86_400_000);
    expect(p.team).toBeUndefined();
    expect(p.by).toBe('channel');
  });

  it('keeps the query in the #/reports route', () => {
    const r = parseRoute('#/reports?from=2026-03-02&to=2026-03-08&tz=UTC');
    expect(r).toEqual({ name: 'reports', query: 'from=2026-03-02&to=2026-03-08&tz=UTC' });
    expect(formatRoute(r)).toBe('#/reports?from=2026-03-02&to=2026-03-08&tz=UTC');
  });
});
