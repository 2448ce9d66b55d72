import { describe, expect, it } from 'vitest';
import type { Message } from '../../web/shared/types.js';
import { groupPlaces } from '../../web/agent/data/chat-groups.js';

let seq = 0;
const msg = (over: Partial<Message> & { at: string }): Message => ({
  id: ++seq,
  ticketId: 1,
  kind: 'inbound',
  author: { kind: 'contact', id: 7, name: 'Nora' },
  channel: { kind: 'widget', name: 'website' },
  text: 'hi',
  html: null,
  attachments: [],
  delivery: null,
  mentions: [],
  meta: {},
  createdAt: `2026-03-04T${over.at}:00.000Z`,
  ...over,
});
const day = (iso: string) => iso.slice(0, 10);
const places = (list: Message[], channel = 'widget') =>
  groupPlaces(list, (m) => m, channel, day).map((p) => (p ? `${p.first ? 'F' : '-'}${p.last ? 'L' : '-'}` : null));

describe('runs of chat messages', () => {
  it.each([
    ['one author within minutes is one run', [msg({ at: '10:00' }), msg({ at: '10:01' }), msg({ at: '10:04' })], ['F-', '--', '-L']],
    ['a gap of more than five minutes starts a new run', [msg({ at: '10:00' }), msg({ at: '10:06' })], ['FL', 'FL']],
    ['the other side answering starts a new run', [msg({ at: '10:00' }), msg({ at: '10:01', kind: 'outbound', author: { kind: 'agent', id: 1, name: 'Alex' } }), msg({ at: '10:02' })], ['FL', 'FL', 'FL']],
    ['another agent starts a new run', [msg({ at: '10:00', kind: 'outbound', author: { kind: 'agent', id: 1, name: 'Alex' } }), msg({ at: '10:01', kind: 'outbound', author: { kind: 'agent', id: 2, name: 'Mei' } })], ['FL', 'FL']],
    ['a system line breaks a run', [msg({ at: '10:00' }), msg({ at: '10:01', kind: 'system', author: { kind: 'system', name: 'Kefu' } }), msg({ at: '10:02' })], ['FL', 'FL', 'FL']],
    ['a note is never part of a run', [msg({ at: '10:00', kind: 'note', author: { kind: 'agent', id: 1, name: 'Alex' } }), msg({ at: '10:01', kind: 'note', author: { kind: 'agent', id: 1, name: 'Alex' } })], ['FL', 'FL']],
  ])('%s', (_name, list, expected) => {
    expect(places(list)).toEqual(expected);
  });

  it('keeps emails as cards of their own', () => {
    const mail = (at: string) => msg({ at, channel: { kind: 'email', name: 'support' } });
    expect(places([mail('10:00'), mail('10:01')], 'email')).toEqual(['FL', 'FL']);
  });

  it('breaks a run at anything between two messages', () => {
    const a = msg({ at: '10:00' });
    const b = msg({ at: '10:01' });
    const entries = [a, null, b];
    expect(groupPlaces(entries, (e) => e, 'widget', day).map((p) => p && p.first)).toEqual([true, null, true]);
  });
});
