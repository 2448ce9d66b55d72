import { describe, expect, it } from 'vitest';
import { qualityOf, rankScore, type RankInput } from '../../../server/search/rank.js';

const NOW = Date.UTC(2026, 0, 31);
const DAY = 86_400_000;
const ME = 7;
const hit = (over: Partial<RankInput>): RankInput => ({ status: 'open', assigneeId: null, lastActivityAt: NOW, quality: 0.5, subject: false, ...over });
const score = (over: Partial<RankInput>) => rankScore(hit(over), ME, NOW);

describe('rankScore', () => {
  it.each<[string, Partial<RankInput>, Partial<RankInput>]>([
    ['my open ticket over an unassigned one that matched better', { assigneeId: ME, quality: 0 }, { quality: 1, subject: true }],
    ['open over resolved', { status: 'open' }, { status: 'resolved' }],
    ['pending over closed', { status: 'pending' }, { status: 'closed' }],
    ['today over last month', { lastActivityAt: NOW - 3_600_000 }, { lastActivityAt: NOW - 30 * DAY }],
    ['a better match, all else equal', { quality: 0.9 }, { quality: 0.2 }],
    ['a subject match, all else equal', { subject: true }, { subject: false }],
    ['my open ticket over my resolved one', { assigneeId: ME }, { assigneeId: ME, status: 'resolved' }],
    ['an unassigned open ticket over my closed one of last month', {}, { assigneeId: ME, status: 'closed', lastActivityAt: NOW - 30 * DAY }],
  ])('ranks %s', (_, better, worse) => {
    expect(score(better)).toBeGreaterThan(score(worse));
  });

  it('does not favour a ticket whose clock is ahead', () => {
    expect(score({ lastActivityAt: NOW + DAY })).toBe(score({ lastActivityAt: NOW }));
  });
});

describe('qualityOf', () => {
  it.each([
    [-4, -8, 0.5],
    [-8, -8, 1],
    [null, -8, 0],
    [-3, 0, 0],
  ] as const)('scales bm25 %s against the best %s to %s', (bm25, best, expected) => {
    expect(qualityOf(bm25, best)).toBe(expected);
  });
});
