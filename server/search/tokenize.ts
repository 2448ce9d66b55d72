/**
 * Shapes text for SQLite FTS5's unicode61 tokenizer so Chinese, Japanese and Korean are
 * searchable through the index. unicode61 keeps a whole CJK run as one token, and trigram
 * cannot match the two-character words most Chinese is made of, so we rewrite CJK runs as
 * overlapping bigrams ("申请退款" → "申请 请退 退款") in one column and as single characters
 * in another (for one-character queries). Everything else passes through for unicode61 to
 * split, case-fold and strip of diacritics as usual. Queries are shaped the same way.
 */

/** Han, kana (incl. the prolonged sound mark and iteration marks) and Hangul. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\u3005\u3006]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc\u3005\u3006]+/gu;
/** unicode61's default token characters: letters, numbers, private use. */
const WORD = /[\p{L}\p{N}\p{Co}]+/gu;

/** Text past this length is not indexed: long email bodies would bloat the index for little gain. */
export const MAX_INDEXED_CHARS = 20_000;

export interface SearchColumns {
  /** Non-CJK words plus CJK bigrams (a lone CJK character stays as itself). */
  words: string;
  /** Every CJK character on its own, for one-character queries. */
  chars: string;
}

export function normalize(text: string): string {
  return text.normalize('NFKC');
}

interface Segment {
  cjk: boolean;
  text: string;
}

/** Splits normalised text into alternating CJK runs and other text. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(CJK_RUN)) {
    const start = m.index;
    if (start > last) out.push({ cjk: false, text: text.slice(last, start) });
    out.push({ cjk: true, text: m[0] });
    last = start + m[0].length;
  }
  if (last < text.length) out.push({ cjk: false, text: text.slice(last) });
  return out;
}

export function bigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length === 1) return chars;
  const out: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

export function searchColumns(text: string | null | undefined): SearchColumns {
  if (!text) return { words: '', chars: '' };
  const source = normalize(text.length > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS) : text);
  const w: string[] = [];
  const c: string[] = [];
  for (const seg of segments(source)) {
    if (seg.cjk) {
      w.push(...bigrams(seg.text));
      c.push(...Array.from(seg.text));
    } else {
      w.push(...words(seg.text));
    }
  }
  return { words: w.join(' '), chars: c.join(' ') };
}

/** One thing the user asked for; every term must match (AND). */
export type QueryTerm =
  | { kind: 'word'; text: string }
  | { kind: 'cjk'; text: string };

export function parseQuery(q: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const seg of segments(normalize(q))) {
    const found: QueryTerm[] = seg.cjk
      ? [{ kind: 'cjk', text: seg.text }]
      : words(seg.text).map((t) => ({ kind: 'word' as const, text: t }));
    for (const term of found) {
      const key = `${term.kind}:${term.text.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      terms.push(term);
    }
  }
  // A runaway query (pasted email) would make a huge MATCH expression; the first terms decide.
  return terms.slice(0, 16);
}

const quote = (token: string): string => `"${token.replace(/"/g, '""')}"`;

/**
 * The FTS5 MATCH expression for a query, or null when it has nothing searchable.
 * English words match whole words and prefixes; a CJK run of two or more characters is a
 * phrase of its bigrams (adjacent, in order); a single CJK character looks in `chars`.
 */
export function matchExpression(terms: readonly QueryTerm[]): string | null {
  const parts = terms.map((term) => {
    if (term.kind === 'word') {
      // One-letter prefixes would expand to most of the dictionary; they match whole words only.
      return Array.from(term.text).length > 1 ? `words : ${quote(term.text)}*` : `words : ${quote(term.text)}`;
    }
    const chars = Array.from(term.text);
    if (chars.length === 1) return `chars : ${quote(term.text)}`;
    return `words : ${quote(bigrams(term.text).join(' '))}`;
  });
  return parts.length > 0 ? parts.join(' AND ') : null;
}

export function isCjk(ch: string): boolean {
  return CJK.test(ch);
}

/** Name, email and phone; the phone also as bare digits so "13800138000" finds "+86 138-0013-8000". */
export function contactSearchText(name: string | null, email: string | null, phone: string | null): string {
  const digits = phone ? phone.replace(/\D+/g, '') : '';
  return [name, email, phone, digits].filter((s) => s).join(' ');
}
