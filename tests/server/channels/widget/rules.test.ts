import { describe, expect, it } from 'vitest';
import { withinBusinessHours } from '../../../../server/channels/widget/business-hours.js';
import { frameAncestors, originAllowed } from '../../../../server/channels/widget/origin.js';
import { contentMatchesType } from '../../../../server/channels/widget/sniff.js';
import { localTextFor, localTextMap } from '../../../../server/channels/widget/local-text.js';
import { configFromObject } from '../../../../server/config/load.js';
import { problemsOf } from '../../../helpers/config-problems.js';
import { identityHash, signVisitorToken, verifyIdentityHash, verifyVisitorToken } from '../../../../server/channels/widget/token.js';

describe('originAllowed', () => {
  it.each([
    [['https://shop.example.com'], 'https://shop.example.com', true],
    [['https://shop.example.com/'], 'https://shop.example.com', true],
    [['https://shop.example.com'], 'http://shop.example.com', false],
    [['https://shop.example.com'], 'https://shop.example.com.evil.io', false],
    [['https://*.example.com'], 'https://eu.example.com', true],
    [['https://*.example.com'], 'https://example.com', false],
    [['https://*.example.com'], 'https://evilexample.com', false],
    [['*'], 'https://anything.test', true],
    [['https://shop.example.com'], undefined, false],
    [['https://shop.example.com'], 'null', false],
  ])('%j allows %s: %s', (allowed, origin, expected) => {
    expect(originAllowed(allowed, origin)).toBe(expected);
  });

  it('turns the allowed origins into a frame-ancestors source list', () => {
    expect(frameAncestors(['https://a.test', 'https://b.test/'])).toBe('https://a.test https://b.test');
    expect(frameAncestors(['*'])).toBe('*');
  });
});

describe('withinBusinessHours', () => {
  const hours = { timezone: 'Asia/Shanghai', days: { mon: '09:00-18:00', sat: '22:00-02:00' } };
  it.each([
    ['2026-11-23T01:00:00Z', true], // Monday 09:00 in Shanghai
    ['2026-11-23T00:59:00Z', false], // Monday 08:59
    ['2026-11-23T10:00:00Z', false], // Monday 18:00: closed at the end minute
    ['2026-11-24T02:00:00Z', false], // Tuesday: no hours
    ['2026-11-28T15:00:00Z', true], // Saturday 23:00, inside a range that spans midnight
    ['2026-11-28T17:30:00Z', true], // Sunday 01:30: Saturday's night runs into Sunday morning
    ['2026-11-28T18:00:00Z', false], // Sunday 02:00: the night is over
    ['2026-11-27T17:30:00Z', false], // Saturday 01:30: no night began on Friday
  ])('at %s open: %s', (at, expected) => {
    expect(withinBusinessHours(hours, new Date(at))).toBe(expected);
  });

  it('is always open without business hours and never open with no open day', () => {
    expect(withinBusinessHours(undefined)).toBe(true);
    expect(withinBusinessHours({ timezone: 'UTC', days: {} })).toBe(false);
  });
});

describe('widget business hours in the config', () => {
  const widget = (business_hours: Record<string, unknown>) => ({
    channels: { widget: [{ name: 'site', allowed_origins: ['https://shop.example.com'], business_hours }] },
  });
  it.each([
    [{ timezone: 'Europe/Atlantis', days: { mon: '09:00-18:00' } }, 'channels.widget[0].business_hours.timezone'],
    [{ timezone: 'UTC', days: { mon: '09:00-25:00' } }, 'channels.widget[0].business_hours.days.mon'],
    [{ timezone: 'UTC', days: { mon: '09:00-09:00' } }, 'channels.widget[0].business_hours.days.mon'],
    [{ calendar: 1, days: { mon: '09:00-18:00' } }, 'channels.widget[0].business_hours: name a calendar or list days'],
  ])('stops start-up on %j, naming %s', (hours, key) => {
    expect(() => configFromObject(widget(hours))).toThrow(key);
  });
});

describe('contentMatchesType', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const pdf = Buffer.from('%PDF-1.7\n');
  it.each([
    [png, 'image/png', true],
    [png, 'image/jpeg', false],
    [pdf, 'application/pdf', true],
    [Buffer.from('just words, 中文也可以'), 'text/plain', true],
    [Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03]), 'application/pdf', false],
    [Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00]), 'text/plain', false],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg', true],
  ])('%#: bytes claimed as %s match: %s', (bytes, type, expected) => {
    expect(contentMatchesType(bytes, type)).toBe(expected);
  });
});

describe('visitor tokens and identity hashes', () => {
  it('verifies what it signed and nothing else', () => {
    const token = signVisitorToken('s3cret', { channel: 'web', visitorId: 'v_1', issuedAt: 1_000 });
    expect(verifyVisitorToken('s3cret', token, 10_000, 2_000)).toEqual({ ok: true, claims: { channel: 'web', visitorId: 'v_1', issuedAt: 1_000 } });
    expect(verifyVisitorToken('s3cret', token.replace('v_1', 'v_2'), 10_000, 2_000)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyVisitorToken('s3cret', token, 500, 2_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyVisitorToken('s3cret', 'garbage', 10_000, 2_000)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('checks an identify hash made with the channel secret', () => {
    const hash = identityHash('channel-secret-16+', 'user-1');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyIdentityHash('channel-secret-16+', 'user-1', hash)).toBe(true);
    expect(verifyIdentityHash('channel-secret-16+', 'user-2', hash)).toBe(false);
    const withEmail = identityHash('channel-secret-16+', 'user-1', 'a@example.com');
    expect(verifyIdentityHash('channel-secret-16+', 'user-1', withEmail, 'a@example.com')).toBe(true);
    expect(verifyIdentityHash('channel-secret-16+', 'user-1', withEmail, 'b@example.com')).toBe(false);
    expect(verifyIdentityHash('channel-secret-16+', 'user-1', withEmail)).toBe(false);
    expect(verifyIdentityHash('channel-secret-16+', 'user-1', hash, 'a@example.com')).toBe(false);
  });
});

describe('widget texts per language', () => {
  const load = (extra: Record<string, unknown>) =>
    configFromObject({ channels: { widget: [{ name: 'website', allowed_origins: ['https://a.example'], ...extra }] } });

  it('accepts one text or one per language, and picks by language with a fallback', () => {
    const ch = load({ title: { en: 'Chat', 'zh-CN': '在线客服' }, display_name: 'Website chat' }).channels.widget[0]!;
    expect(localTextFor(ch.title, 'zh-CN', 'x')).toBe('在线客服');
    expect(localTextFor(ch.title, 'zh-TW', 'x')).toBe('Chat');
    expect(localTextMap(ch.display_name, ch.name)).toEqual({ default: 'Website chat' });
    expect(localTextMap(undefined, 'website')).toEqual({ default: 'website' });
  });

  it.each([
    [{ title: { fr: 'Bonjour' } }, 'title'],
    [{ greeting: {} }, 'greeting'],
    [{ display_name: '' }, 'display_name'],
    [{ unsent_upload_mb_per_ip: 0 }, 'unsent_upload_mb_per_ip'],
    [{ min_free_disk_mb: -1 }, 'min_free_disk_mb'],
    [{ rate_limits: { ip_transcripts_per_hour: 0 } }, 'ip_transcripts_per_hour'],
  ])('stops start-up on %j naming the key', (extra, key) => {
    const problems = problemsOf(() => load(extra));
    expect(problems.join('\n')).toContain(key);
  });
});
