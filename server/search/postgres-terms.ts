import { bigrams, isCjk, searchColumns, type QueryTerm } from './tokenize.js';

/**
 * The search terms as PostgreSQL stores and queries them (search_documents, kb_search_documents):
 * the same shaping as the SQLite index (tokenize.ts), written as a tsvector with positions, so
 * the built-in GIN index answers what FTS5 does: word prefixes ('refun':*), a CJK run as a phrase
 * of adjacent bigrams ('申请' <-> '请退' <-> '退款') and single CJK characters. What FTS5's
 * unicode61 tokenizer adds is done here: case folding and, with remove_diacritics 2, the removal
 * of accents from Latin letters. No text search configuration runs: lexemes go in as given.
 */

/** unicode61's folding of one token; CJK is left alone (NFKD would split Hangul into jamo). */
export function foldTerm(token: string): string {
  if (isCjk(token[0] ?? '')) return token;
  return token.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** PostgreSQL keeps positions up to 16383 (later ones are stored as 16383) and 256 per lexeme. */
const MAX_POSITION = 16383;
const MAX_POSITIONS_PER_LEXEME = 256;
/** A lexeme must stay under 2 KiB; FTS5 has no such limit, but nobody searches for such a token. */
const MAX_LEXEME_BYTES = 2046;

/** A tsvector weight: A (highest) to D (the default, unlabelled). */
export type Weight = 'A' | 'B' | 'C' | 'D';

export interface VectorPart {
  /** Tokens separated by spaces, as searchColumns gives them. */
  words: string;
  weight?: Weight;
}

const quoteLexeme = (token: string): string => `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const fits = (token: string): boolean => token !== '' && Buffer.byteLength(token) <= MAX_LEXEME_BYTES;

/**
 * A tsvector literal of the parts' words at their positions (one position left empty between
 * parts, so a phrase never spans two fields, as FTS5 keeps columns apart) plus `chars` without
 * positions. Positions past 16383 collapse there: a phrase near the end of a text longer than
 * that is not found, where FTS5 would find it.
 */
export function documentVector(parts: readonly VectorPart[], chars: string): string {
  const positions = new Map<string, string[]>();
  let position = 0;
  for (const part of parts) {
    const suffix = part.weight && part.weight !== 'D' ? part.weight : '';
    for (const raw of part.words.split(' ')) {
      if (raw === '') continue;
      position++;
      const token = foldTerm(raw);
      if (!fits(token)) continue;
      const list = positions.get(token) ?? [];
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(position, MAX_POSITION)}${suffix}`);
      positions.set(token, list);
    }
    position++;
  }
  for (const ch of chars.split(' ')) if (fits(ch) && !positions.has(ch)) positions.set(ch, []);
  return [...positions].map(([token, at]) => (at.length > 0 ? `${quoteLexeme(token)}:${at.join(',')}` : quoteLexeme(token))).join(' ');
}

/** A ticket, message or contact text as search_documents holds it. */
export function searchVector(text: string | null | undefined): string {
  const columns = searchColumns(text);
  return documentVector([{ words: columns.words }], columns.chars);
}

/**
 * The tsquery literal for a query, shaped as matchExpression shapes FTS5's (tokenize.ts).
 * 'all': every term; a word of two letters or more as a prefix, a CJK run as a phrase of its
 * bigrams, one CJK character as itself. 'any' (kb suggestions): any whole word of two letters or
 * more or any bigram. Null when nothing in the query is searchable.
 */
export function queryText(terms: readonly QueryTerm[], mode: 'all' | 'any' = 'all'): string | null {
  return mode === 'any' ? anyQuery(terms) : allQuery(terms);
}

function allQuery(terms: readonly QueryTerm[]): string | null {
  const parts = terms.flatMap((term) => {
    const chars = Array.from(term.text);
    if (term.kind === 'word') {
      const token = foldTerm(term.text);
      if (!fits(token)) return [];
      return [chars.length > 1 ? `${quoteLexeme(token)}:*` : quoteLexeme(token)];
    }
    const pairs = bigrams(term.text).filter(fits);
    if (pairs.length === 0) return [];
    return [pairs.length === 1 ? quoteLexeme(pairs[0]!) : `( ${pairs.map(quoteLexeme).join(' <-> ')} )`];
  });
  return parts.length > 0 ? parts.join(' & ') : null;
}

function anyQuery(terms: readonly QueryTerm[]): string | null {
  const out = new Set<string>();
  for (const term of terms) {
    if (Array.from(term.text).length < 2) continue;
    if (term.kind === 'word') out.add(foldTerm(term.text));
    else for (const pair of bigrams(term.text)) out.add(pair);
  }
  const parts = [...out].filter(fits).slice(0, 64).map(quoteLexeme);
  return parts.length > 0 ? parts.join(' | ') : null;
}
