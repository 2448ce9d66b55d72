import type SqliteDatabase from 'better-sqlite3';
import { searchColumns } from './tokenize.js';

/**
 * SQL functions the search triggers (migrations/0003-search.ts) call, so the FTS index is
 * written in the same transaction as the row it mirrors and can never drift. Every
 * connection that writes messages, tickets or contacts must have them: openDatabase
 * registers them.
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

/** Name, email and phone; the phone also as bare digits so "13800138000" finds "+86 138-0013-8000". */
export function contactSearchText(name: string | null, email: string | null, phone: string | null): string {
  const digits = phone ? phone.replace(/\D+/g, '') : '';
  return [name, email, phone, digits].filter((s) => s).join(' ');
}
