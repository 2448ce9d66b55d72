import { bigrams, isCjk, searchColumns, type QueryTerm } from './tokenize.js';

/**
 * The search terms as PostgreSQL stores them (search_documents, kb_search_documents): the same
 * shaping as the SQLite index (tokenize.ts), with what FTS5's unicode61 tokenizer adds done here,
 * case folding and, with remove_diacritics 2, the removal of accents from Latin letters.
 */
export interface SearchTerms {
  /** Words and CJK bigrams, each once. */
  words: string[];
  /** Single CJK characters, each once. */
  chars: string[];
}

/** unicode61's folding of one token; CJK is left alone (NFKD would split Hangul into jamo). */
export function foldTerm(token: string): string {
  if (isCjk(token[0] ?? '')) return token;
  return token.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

const unique = (list: string): string[] => [...new Set(list.split(' ').filter(Boolean).map(foldTerm))];

export function searchTerms(text: string | null | undefined): SearchTerms {
  const columns = searchColumns(text);
  return { words: unique(columns.words), chars: unique(columns.chars) };
}

/**
 * What a query term requires of a document's terms, as arrays for `@>` (all contained), which
 * the GIN indexes answer. A CJK run needs all its bigrams; unlike FTS5's phrase it does not check
 * they are adjacent, so a caller that must be exact rechecks the text of the few rows found.
 */
export function requiredTerms(term: QueryTerm): { column: 'words' | 'chars'; terms: string[] } {
  if (term.kind === 'word') return { column: 'words', terms: [foldTerm(term.text)] };
  const chars = Array.from(term.text);
  if (chars.length === 1) return { column: 'chars', terms: chars };
  return { column: 'words', terms: [...new Set(bigrams(term.text))] };
}
