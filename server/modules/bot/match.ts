import { bigrams, parseQuery } from '../../search/tokenize.js';

/**
 * How the answer bot judges a knowledge-base hit. Full-text rank (bm25) orders candidates but is
 * not comparable between messages, so the decision uses a score in 0..1 that is:
 *
 *   confidence = max over the article's title and each alternative question q of
 *                (share of q's units found in the message + share of the message's units found in q) / 2
 *
 * where units are lower-cased words of two letters or more (a trailing plural "s" dropped) and CJK
 * bigrams. A message that says what an article answers ("怎么申请退款" against the question
 * "怎么申请退款") scores 1; one that mentions it among other words still scores high on the first
 * share; a single shared word ("退款" in a long message) scores low on the second.
 *
 * - answer directly: the best confidence ≥ the widget's threshold and either the second best is
 *   below the threshold or the best leads it by at least MARGIN (two near-equal answers: offer both);
 * - offer articles: otherwise, the articles whose confidence ≥ OFFER_FLOOR or whose body holds at
 *   least half of the message's units, best first, up to max offers;
 * - hand over: nothing left.
 */
export const MARGIN = 0.15;
export const OFFER_FLOOR = 0.25;
const BODY_SHARE = 0.5;

export interface Candidate {
  id: number;
  title: string;
  questions: readonly string[];
  body: string;
}

export type Decision<T extends Candidate> =
  | { kind: 'answer'; article: T; confidence: number }
  | { kind: 'offers'; articles: T[] }
  | { kind: 'none' };

export function units(text: string): Set<string> {
  const out = new Set<string>();
  for (const term of parseQuery(text.slice(0, 4000))) {
    if (term.kind === 'word') {
      const w = term.text.toLowerCase();
      if (Array.from(w).length < 2) continue;
      out.add(w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
    } else if (Array.from(term.text).length > 1) {
      for (const pair of bigrams(term.text)) out.add(pair);
    }
  }
  return out;
}

function shared(a: Set<string>, b: Set<string>): number {
  let n = 0;
  for (const u of a) if (b.has(u)) n++;
  return n;
}

export function confidence(message: Set<string>, c: Candidate): number {
  if (message.size === 0) return 0;
  let best = 0;
  for (const phrase of [c.title, ...c.questions]) {
    const p = units(phrase);
    if (p.size === 0) continue;
    const both = shared(p, message);
    best = Math.max(best, (both / p.size + both / message.size) / 2);
  }
  return best;
}

export function decide<T extends Candidate>(message: string, candidates: readonly T[], threshold: number, maxOffers: number): Decision<T> {
  const wanted = units(message);
  if (wanted.size === 0) return { kind: 'none' };
  const scored = candidates
    .map((c, rank) => ({ c, rank, conf: confidence(wanted, c), body: shared(wanted, units(c.body)) / wanted.size }))
    .sort((a, b) => b.conf - a.conf || a.rank - b.rank);
  const [first, second] = scored;
  if (first && first.conf >= threshold && (!second || second.conf < threshold || first.conf - second.conf >= MARGIN)) {
    return { kind: 'answer', article: first.c, confidence: first.conf };
  }
  const offers = scored.filter((s) => s.conf >= OFFER_FLOOR || s.body >= BODY_SHARE).slice(0, maxOffers);
  return offers.length > 0 ? { kind: 'offers', articles: offers.map((s) => s.c) } : { kind: 'none' };
}

const CJK_HANDOFF = ['转人工', '轉人工', '人工客服', '人工', '客服', '真人'];
const WORD_HANDOFF = new Set(['agent', 'human', 'person', 'operator', 'representative']);

/**
 * The visitor asks for a person: a short message (eight CJK characters, six words at most) that
 * holds one of 人工 / 转人工 / 轉人工 / 客服 / 真人, or the word agent, human, person, operator or
 * representative. A long message that merely mentions customer service (客服) is a question.
 */
export function asksForPerson(text: string): boolean {
  const flat = text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, ' ').trim();
  const compact = flat.replace(/ /g, '');
  if (CJK_HANDOFF.some((p) => compact.includes(p)) && Array.from(compact).length <= 8) return true;
  const words = flat.split(' ').filter(Boolean);
  return words.length <= 6 && words.some((w) => WORD_HANDOFF.has(w));
}
