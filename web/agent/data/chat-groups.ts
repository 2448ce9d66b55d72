// Chat messages in a row from one author read as one turn, as in chat apps: the author once, then bubbles.
import type { Message } from '../../shared/types.js';

/** Messages further apart than this start a new turn even from the same author. */
export const GROUP_GAP_MS = 5 * 60_000;

/** Where a message sits in its author's run: `first` shows who wrote it, `last` shows the time. */
export interface GroupPlace {
  first: boolean;
  last: boolean;
}

const CHAT_KINDS = new Set<Message['kind']>(['inbound', 'outbound', 'bot']);

/** Emails (and email replies) stay full cards: each has its own headers worth reading. */
export const isChatLike = (m: Message, ticketChannelKind: string): boolean =>
  CHAT_KINDS.has(m.kind) && (m.channel?.kind ?? ticketChannelKind) !== 'email' && !m.html;

const authorKey = (m: Message): string => `${m.author.kind}:${m.author.id ?? m.author.name}`;

/** Whether `next`, right after `prev` in the timeline, continues `prev`'s run. */
export function continues(prev: Message, next: Message, ticketChannelKind: string, dayOf: (iso: string) => string): boolean {
  if (!isChatLike(prev, ticketChannelKind) || !isChatLike(next, ticketChannelKind)) return false;
  if (prev.kind !== next.kind || authorKey(prev) !== authorKey(next)) return false;
  if (prev.channel?.kind !== next.channel?.kind || prev.channel?.name !== next.channel?.name) return false;
  if (dayOf(prev.createdAt) !== dayOf(next.createdAt)) return false;
  const gap = Date.parse(next.createdAt) - Date.parse(prev.createdAt);
  return gap >= 0 && gap <= GROUP_GAP_MS;
}

/**
 * The place of each message in a timeline's entries (null for entries that are not messages). A run
 * is broken by anything between two messages: a system line, a change, another author.
 */
export function groupPlaces<E>(
  entries: readonly E[],
  messageOf: (e: E) => Message | null,
  ticketChannelKind: string,
  dayOf: (iso: string) => string,
): (GroupPlace | null)[] {
  const places: (GroupPlace | null)[] = entries.map(() => null);
  let prev: Message | null = null;
  let prevIndex = -1;
  entries.forEach((e, i) => {
    const m = messageOf(e);
    if (!m) {
      prev = null;
      return;
    }
    const cont = prev !== null && prevIndex === i - 1 && continues(prev, m, ticketChannelKind, dayOf);
    const before = places[i - 1];
    if (cont && before) before.last = false;
    places[i] = { first: !cont, last: true };
    prev = m;
    prevIndex = i;
  });
  return places;
}
