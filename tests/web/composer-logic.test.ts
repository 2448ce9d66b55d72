import { describe, expect, it } from 'vitest';
import { mentionQuery, mentionedAgentIds, nextPlaceholder, slashQuery } from '../../web/agent/data/placeholders.js';
import { splitQuotedText } from '../../web/agent/data/quoted.js';
import { snoozeUntil, zonedTime } from '../../web/agent/data/snooze.js';
import { actionForKey, SHORTCUTS } from '../../web/agent/data/keyboard.js';
import { backoffDelay } from '../../web/shared/ws.js';

describe('canned reply placeholders', () => {
  it('finds the next unfilled placeholder and wraps around', () => {
    const text = 'Hi {{contact.name}}, order {{ order }} ok';
    expect(nextPlaceholder(text)).toEqual({ start: 3, end: 19 });
    expect(nextPlaceholder(text, 19)).toEqual({ start: 27, end: 38 });
    expect(nextPlaceholder(text, 39)).toEqual({ start: 3, end: 19 });
    expect(nextPlaceholder('none here')).toBeNull();
  });

  it('opens the canned list for a slash at a word start only', () => {
    expect(slashQuery('/ref', 4)).toEqual({ start: 0, query: 'ref' });
    expect(slashQuery('Thanks! /退', 10)).toEqual({ start: 8, query: '退' });
    expect(slashQuery('and/or', 6)).toBeNull();
    expect(slashQuery('http://x', 8)).toBeNull();
  });

  it('detects @mentions being typed', () => {
    expect(mentionQuery('ping @Ma', 8)).toEqual({ start: 5, query: 'Ma' });
    expect(mentionQuery('mail a@b', 8)).toBeNull();
  });

  it('lists agents mentioned by full name', () => {
    const agents = [{ id: 1, name: 'Mei Lin' }, { id: 2, name: 'Mei' }, { id: 3, name: '王芳' }];
    expect(mentionedAgentIds('cc @Mei Lin please', agents)).toEqual([1]);
    expect(mentionedAgentIds('@Mei and @Mei Lin', agents)).toEqual([2, 1]);
    expect(mentionedAgentIds('@Meister', agents)).toEqual([]);
    expect(mentionedAgentIds('@王芳请看', agents)).toEqual([3]);
  });
});

describe('splitQuotedText', () => {
  it('splits where the server found the quote, even without an attribution line', () => {
    const text = 'New answer here.\n\nOld message text\nmore old text';
    expect(splitQuotedText(text, text.indexOf('Old message'))).toEqual({ body: 'New answer here.', quoted: 'Old message text\nmore old text' });
  });

  it('ignores a server offset that would leave nothing new', () => {
    expect(splitQuotedText('  \n> only a quote', 0)).toEqual({ body: '  \n> only a quote', quoted: '' });
  });

  it('folds an "On … wrote:" history', () => {
    const r = splitQuotedText('Thanks, that worked.\n\nOn Mon, 9 Mar 2026 at 10:00, Kefu <s@x> wrote:\n> Try again');
    expect(r.body).toBe('Thanks, that worked.');
    expect(r.quoted).toContain('> Try again');
  });
  it('folds trailing > lines', () => {
    expect(splitQuotedText('Yes\n> old\n> older')).toEqual({ body: 'Yes', quoted: '> old\n> older' });
  });
  it('folds a Chinese attribution line', () => {
    expect(splitQuotedText('好的，谢谢\n在 2026年3月9日 10:00，客服 写道：\n> 旧内容').body).toBe('好的，谢谢');
  });
  it('keeps a message that is only a quote', () => {
    expect(splitQuotedText('> just a quote').body).toBe('> just a quote');
  });
  it('keeps inline > that is followed by more text', () => {
    const text = 'See below\n> point one\nmy answer';
    expect(splitQuotedText(text).body).toBe(text);
  });
});

describe('snooze presets', () => {
  const now = Date.parse('2026-03-10T07:30:00Z'); // Tuesday 15:30 in Shanghai
  it('resolves wall-clock presets in the agent time zone', () => {
    expect(new Date(snoozeUntil('tomorrow', now, 'Asia/Shanghai')).toISOString()).toBe('2026-03-11T01:00:00.000Z');
    expect(new Date(snoozeUntil('tonight', now, 'Asia/Shanghai')).toISOString()).toBe('2026-03-10T10:00:00.000Z');
    expect(new Date(snoozeUntil('monday', now, 'Asia/Shanghai')).toISOString()).toBe('2026-03-16T01:00:00.000Z');
    expect(snoozeUntil('hour', now, 'Asia/Shanghai')).toBe(now + 3_600_000);
  });
  it('handles a daylight-saving change', () => {
    // 2026-03-08 is the US spring-forward day; 9:00 New York is 13:00 UTC afterwards.
    expect(new Date(zonedTime(2026, 3, 9, 9, 0, 'America/New_York')).toISOString()).toBe('2026-03-09T13:00:00.000Z');
    expect(new Date(zonedTime(2026, 3, 7, 9, 0, 'America/New_York')).toISOString()).toBe('2026-03-07T14:00:00.000Z');
  });
});

describe('keyboard map', () => {
  const key = (k: string, over: Partial<Parameters<typeof actionForKey>[0]> = {}) =>
    actionForKey({ key: k, ctrlKey: false, metaKey: false, altKey: false, inEditable: false, ...over });

  it.each([
    ['j', 'next'],
    ['k', 'prev'],
    ['Enter', 'open'],
    ['r', 'reply'],
    ['n', 'note'],
    ['a', 'assign'],
    ['e', 'resolve'],
    ['/', 'search'],
    ['?', 'help'],
    ['Escape', 'close'],
  ])('%s → %s', (k, action) => expect(key(k)).toBe(action));

  it('opens search with Ctrl+K and Cmd+K, even while typing', () => {
    expect(key('k', { ctrlKey: true, inEditable: true })).toBe('search');
    expect(key('K', { metaKey: true })).toBe('search');
  });
  it('ignores letters typed into a field', () => {
    expect(key('j', { inEditable: true })).toBeNull();
    expect(key('e', { inEditable: true })).toBeNull();
  });
  it('documents every action in the help list exactly once', () => {
    const actions = SHORTCUTS.map((s) => s.action);
    expect(new Set(actions).size).toBe(actions.length);
  });
});

describe('websocket backoff', () => {
  it('doubles up to a ceiling, with jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(20, () => 0.5)).toBe(15000);
    expect(backoffDelay(2, () => 0)).toBe(1600);
  });
});
