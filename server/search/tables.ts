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
