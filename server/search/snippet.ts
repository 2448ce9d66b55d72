import { MAX_INDEXED_CHARS, normalize, type QueryTerm } from './tokenize.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]!);
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Mirrors matchExpression: CJK runs as substrings, words at a word start (and as prefixes). */
export function termPattern(terms: readonly QueryTerm[]): RegExp | null {
  if (terms.length === 0) return null;
  const alternatives = terms
    .slice()
    // Longer alternatives first so "refund" wins over "re" at the same position.
    .sort((a, b) => b.text.length - a.text.length)
    .map((term) => {
      const lit = escapeRegExp(term.text);
      if (term.kind === 'cjk') return lit;
      const rest = Array.from(term.text).length > 1 ? '[\\p{L}\\p{N}]*' : '(?![\\p{L}\\p{N}])';
      return `(?<![\\p{L}\\p{N}])${lit}${rest}`;
    });
  return new RegExp(alternatives.join('|'), 'giu');
}

/**
 * Whether text holds every term, as matchExpression would find it in the index. For the few
 * tickets already in hand, testing their text beats looking each message up in the index: a
 * prefix query ("refund"*) merges every matching token's postings again on each lookup.
 */
export function textMatcher(terms: readonly QueryTerm[]): (text: string) => boolean {
  const patterns = terms.map((term) => {
    const p = termPattern([term])!;
    return new RegExp(p.source, 'iu');
  });
  return (text) => {
    if (patterns.length === 0) return false;
    const flat = normalize(text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text);
    return patterns.every((p) => p.test(flat));
  };
}

/** Moves an index off the low half of a surrogate pair so a cut never splits a character. */
function safeIndex(text: string, i: number): number {
  if (i <= 0) return 0;
  if (i >= text.length) return text.length;
  const code = text.charCodeAt(i);
  return code >= 0xdc00 && code <= 0xdfff ? i - 1 : i;
}

/**
 * A short excerpt of `text` around the first hit, HTML-escaped, with every hit inside
 * <mark>…</mark>. Computed from the original text (the index holds bigrams, not prose).
 */
export function snippet(text: string | null | undefined, terms: readonly QueryTerm[], maxLength = 140): string {
  const flat = normalize(text ?? '').replace(/\s+/g, ' ').trim();
  const pattern = termPattern(terms);
  const hits: Array<[number, number]> = [];
  if (pattern) {
    for (const m of flat.matchAll(pattern)) {
      if (m[0].length === 0) continue;
      hits.push([m.index, m.index + m[0].length]);
      if (hits.length > 200) break;
    }
  }
  const firstHit = hits[0]?.[0] ?? 0;
  const start = flat.length <= maxLength ? 0 : safeIndex(flat, Math.max(0, firstHit - Math.floor(maxLength / 4)));
  const end = safeIndex(flat, Math.min(flat.length, start + maxLength));
  // A hit near the end of a long text keeps its short lead rather than filling the excerpt from
  // before it: a results row clamped to two narrow lines would otherwise cut the hit off.

  let out = start > 0 ? '…' : '';
  let pos = start;
  for (const [hs, he] of hits) {
    if (he <= pos || hs >= end) continue;
    const s = Math.max(hs, pos);
    const e = Math.min(he, end);
    out += escapeHtml(flat.slice(pos, s)) + '<mark>' + escapeHtml(flat.slice(s, e)) + '</mark>';
    pos = e;
  }
  out += escapeHtml(flat.slice(pos, end));
  if (end < flat.length) out += '…';
  return out;
}
