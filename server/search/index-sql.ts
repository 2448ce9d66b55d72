/**
 * The statements that fill the index from the tables, for a rebuild or a bulk load.
 * They compute the same columns as the triggers in migrations/0003-search.ts.
 */
export const INDEX_FROM_TABLES = {
  messages: `insert into search_messages (rowid, words, chars)
    select id, kefu_search_words(text), kefu_search_chars(text) from messages where id > ?`,
  tickets: `insert into search_tickets (rowid, words, chars)
    select id, kefu_search_words('#' || number || ' ' || subject), kefu_search_chars('#' || number || ' ' || subject)
    from tickets where id > ?`,
  contacts: `insert into search_contacts (rowid, words, chars)
    select id, kefu_search_words(kefu_search_contact(name, email, phone)),
           kefu_search_chars(kefu_search_contact(name, email, phone))
    from contacts where id > ?`,
} as const;

export type IndexedTable = keyof typeof INDEX_FROM_TABLES;
export const INDEXED_TABLES = Object.keys(INDEX_FROM_TABLES) as IndexedTable[];
