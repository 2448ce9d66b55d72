import { describe, expect, it } from 'vitest';
import {
  formatExtraWorkdays,
  formatHolidays,
  formatRanges,
  parseExtraWorkdays,
  parseHolidays,
  parseRanges,
} from '../../web/agent/data/business-hours.js';

describe('business-hours text forms', () => {
  it.each([
    ['09:00-12:00, 13:00-18:00', [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }]],
    ['09:00–18:00；', [{ from: '09:00', to: '18:00' }]],
    ['09:00至18:00，22:00-06:00', [{ from: '09:00', to: '18:00' }, { from: '22:00', to: '06:00' }]],
    ['', []],
    ['9am', [{ from: '9am', to: '' }]],
  ])('reads %j', (text, ranges) => {
    expect(parseRanges(text)).toEqual(ranges);
  });

  it('reads holidays and make-up workdays one a line, and writes them back the same way', () => {
    const holidays = parseHolidays('2026-10-01 国庆节\n\n 2026-10-02 \n2026-10-03 National Day');
    expect(holidays).toEqual([{ date: '2026-10-01', name: '国庆节' }, { date: '2026-10-02' }, { date: '2026-10-03', name: 'National Day' }]);
    expect(formatHolidays(holidays)).toBe('2026-10-01 国庆节\n2026-10-02\n2026-10-03 National Day');
    const extra = parseExtraWorkdays('2026-10-10 09:00-12:00, 13:00-18:00');
    expect(extra).toEqual([{ date: '2026-10-10', hours: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '18:00' }] }]);
    expect(formatExtraWorkdays(extra)).toBe('2026-10-10 09:00-12:00, 13:00-18:00');
    expect(formatRanges(undefined)).toBe('');
  });
});
