import { describe, expect, it } from 'vitest';
import { avatarHue, formatAge, formatDateTime, formatSize, initials, validTimeZone } from '../../web/shared/format.js';
import { setLanguage } from '../../web/shared/i18n/i18n.js';

const NOW = Date.parse('2026-03-10T12:00:00Z');

describe('formatAge', () => {
  it.each([
    ['2026-03-10T11:59:30Z', 'now'],
    ['2026-03-10T11:55:00Z', '5m'],
    ['2026-03-10T09:00:00Z', '3h'],
    ['2026-03-08T12:00:00Z', '2d'],
  ])('%s is %s before noon', (iso, expected) => {
    expect(formatAge(iso, NOW, { locale: 'en' })).toBe(expected);
  });

  it('shows a date for anything older than a week', () => {
    expect(formatAge('2026-01-02T10:00:00Z', NOW, { locale: 'en', timeZone: 'UTC' })).toBe('Jan 2');
  });

  it('uses Chinese units in Chinese', async () => {
    await setLanguage('zh-CN');
    expect(formatAge('2026-03-10T09:00:00Z', NOW, { locale: 'zh-CN' })).toBe('3小时');
    await setLanguage('en');
  });
});

describe('formatDateTime', () => {
  it('renders in the agent time zone, not the machine one', () => {
    const iso = '2026-03-10T23:30:00Z';
    expect(formatDateTime(iso, { locale: 'en', timeZone: 'Asia/Shanghai' })).toContain('Mar 11');
    expect(formatDateTime(iso, { locale: 'en', timeZone: 'America/New_York' })).toContain('Mar 10');
  });
  it('drops an unknown time zone instead of throwing', () => {
    expect(validTimeZone('Mars/Olympus')).toBeUndefined();
    expect(validTimeZone('Europe/Paris')).toBe('Europe/Paris');
  });
});

describe('small formatters', () => {
  it.each([
    [512, '512 B'],
    [2048, '2.0 KB'],
    [200 * 1024, '200 KB'],
    [3.5 * 1024 * 1024, '3.5 MB'],
  ])('formatSize(%d) = %s', (n, s) => expect(formatSize(n)).toBe(s));

  it.each([
    ['Ada Lovelace', 'AL'],
    ['grace', 'G'],
    ['王小明', '王'],
    ['', '?'],
    // A customer known only by number (SMS): its last digits, not a lone '+'.
    ['+14155550123', '23'],
    ['+1 (415) 555-0199', '99'],
    ['@ivan_p', 'I'],
  ])('initials(%j) = %s', (name, s) => expect(initials(name)).toBe(s));

  it('gives the same hue to the same name', () => {
    expect(avatarHue('Ada')).toBe(avatarHue('Ada'));
    expect(avatarHue('Ada')).not.toBe(avatarHue('Bob'));
  });
});
