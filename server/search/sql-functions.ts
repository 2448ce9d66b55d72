import type SqliteDatabase from 'better-sqlite3';
import { contactSearchText, searchColumns } from './tokenize.js';

/**
 * SQL functions the search triggers of migrations/0003-search.ts called, before the index
 * moved to its own file and thread (0009-search-queue). Migrating a database from before
 * then still runs them, so openDatabase registers them.
 */
export function registerSearchFunctions(sqlite: SqliteDatabase.Database): void {
  // A trigger asks for both columns of the same text back to back; remember the last one.
  let lastText: string | null = null;
  let lastColumns = searchColumns('');
  const columns = (text: unknown) => {
    const s = typeof text === 'string' ? text : text == null ? '' : String(text);
    if (s !== lastText) {
      lastText = s;
      lastColumns = searchColumns(s);
    }
    return lastColumns;
  };
  sqlite.function('kefu_search_words', { deterministic: true }, (text: unknown) => columns(text).words);
  sqlite.function('kefu_search_chars', { deterministic: true }, (text: unknown) => columns(text).chars);
  sqlite.function('kefu_search_contact', { deterministic: true }, (name: unknown, email: unknown, phone: unknown) =>
    contactSearchText(asText(name), asText(email), asText(phone)),
  );
}

const asText = (v: unknown): string | null => (typeof v === 'string' ? v : v == null ? null : String(v));
