/** The FTS5 tables (contentless: rowid is the indexed row's id; the columns hold shaped text). */
export interface SearchIndexTable {
  rowid: number;
  words: string;
  chars: string;
}

export interface SearchTables {
  search_messages: SearchIndexTable;
  search_tickets: SearchIndexTable;
  search_contacts: SearchIndexTable;
}
