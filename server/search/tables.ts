/**
 * The FTS5 tables in search.sqlite, attached to the main connection as `search`
 * (contentless: rowid is the indexed row's id; the columns hold shaped text).
 */
export interface SearchIndexTable {
  rowid: number;
  words: string;
  chars: string;
}

export interface SearchTables {
  'search.search_messages': SearchIndexTable;
  'search.search_tickets': SearchIndexTable;
  'search.search_contacts': SearchIndexTable;
}

/**
 * PostgreSQL's index (migrations 0009 and 0026): one row per indexed row, its shaped terms as a
 * tsvector (server/search/postgres-terms.ts). Only exists on PostgreSQL.
 */
export interface SearchDocumentTable {
  kind: 'messages' | 'tickets' | 'contacts';
  row_id: number;
  terms: string;
}

export interface KbSearchDocumentTable {
  row_id: number;
  terms: string;
}

export interface PostgresSearchTables {
  search_documents: SearchDocumentTable;
  kb_search_documents: KbSearchDocumentTable;
}
