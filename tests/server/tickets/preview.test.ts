import { describe, expect, it } from 'vitest';
import { previewOf } from '../../../server/modules/tickets/messages.js';

/** What the preview is defined as: the whole text flattened, then cut. */
const flattenedWhole = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
};

describe('previewOf', () => {
  it.each([
    ['a short line', 'Hello   there\n\nthanks'],
    ['exactly 160 characters', 'x'.repeat(160)],
    ['161 characters', 'y'.repeat(161)],
    ['a long email', 'Dear support,\n\n'.concat('My order has not arrived yet.\n'.repeat(700))],
    ['whitespace filling the first windows', `${' \n\t'.repeat(4000)}late start ${'word '.repeat(100)}`],
    ['words split by long blank runs', Array.from({ length: 50 }, (_, i) => `w${i}${' '.repeat(900)}`).join('')],
    ['nothing but whitespace', ' \n '.repeat(5000)],
  ])('gives for %s what flattening the whole text gives', (_name, text) => {
    expect(previewOf(text)).toBe(flattenedWhole(text));
  });
});
