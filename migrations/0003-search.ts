import { sql, type Kysely } from 'kysely';
import { isPostgres } from '../server/db/dialect-sql.js';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// Contentless FTS5 tables (the text already lives in messages/tickets/contacts) whose rowid is
// the row they index. `words` holds words and CJK bigrams, `chars` single CJK characters; both
// are computed by kefu_search_* functions (server/search/sql-functions.ts) inside triggers, so
// the index changes in the same transaction as the data.
export async function up(db: Kysely<unknown>): Promise<void> {
  // FTS5 is SQLite's; 0009 replaced these tables before PostgreSQL was a driver, and makes its search tables.
  if (isPostgres(db)) return;
  for (const table of ['search_messages', 'search_tickets', 'search_contacts']) {
    await sql`create virtual table ${sql.raw(table)} using fts5(
      words, chars, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'
    )`.execute(db);
  }

  await sql`create trigger search_messages_insert after insert on messages begin
    insert into search_messages (rowid, words, chars)
      values (new.id, kefu_search_words(new.text), kefu_search_chars(new.text));
  end`.execute(db);
  await sql`create trigger search_messages_update after update of text on messages begin
    delete from search_messages where rowid = old.id;
    insert into search_messages (rowid, words, chars)
      values (new.id, kefu_search_words(new.text), kefu_search_chars(new.text));
  end`.execute(db);
  await sql`create trigger search_messages_delete after delete on messages begin
    delete from search_messages where rowid = old.id;
  end`.execute(db);

  // The number is indexed too, so "#1042" finds ticket 1042.
  const ticketText = (row: 'new' | 'old') => sql.raw(`'#' || ${row}.number || ' ' || ${row}.subject`);
  await sql`create trigger search_tickets_insert after insert on tickets begin
    insert into search_tickets (rowid, words, chars)
      values (new.id, kefu_search_words(${ticketText('new')}), kefu_search_chars(${ticketText('new')}));
  end`.execute(db);
  await sql`create trigger search_tickets_update after update of subject, number on tickets begin
    delete from search_tickets where rowid = old.id;
    insert into search_tickets (rowid, words, chars)
      values (new.id, kefu_search_words(${ticketText('new')}), kefu_search_chars(${ticketText('new')}));
  end`.execute(db);
  await sql`create trigger search_tickets_delete after delete on tickets begin
    delete from search_tickets where rowid = old.id;
  end`.execute(db);

  const contactText = sql.raw('kefu_search_contact(new.name, new.email, new.phone)');
  await sql`create trigger search_contacts_insert after insert on contacts begin
    insert into search_contacts (rowid, words, chars)
      values (new.id, kefu_search_words(${contactText}), kefu_search_chars(${contactText}));
  end`.execute(db);
  await sql`create trigger search_contacts_update after update of name, email, phone on contacts begin
    delete from search_contacts where rowid = old.id;
    insert into search_contacts (rowid, words, chars)
      values (new.id, kefu_search_words(${contactText}), kefu_search_chars(${contactText}));
  end`.execute(db);
  await sql`create trigger search_contacts_delete after delete on contacts begin
    delete from search_contacts where rowid = old.id;
  end`.execute(db);

  // Rows written before this migration.
  await sql`insert into search_messages (rowid, words, chars)
    select id, kefu_search_words(text), kefu_search_chars(text) from messages`.execute(db);
  await sql`insert into search_tickets (rowid, words, chars)
    select id, kefu_search_words('#' || number || ' ' || subject), kefu_search_chars('#' || number || ' ' || subject) from tickets`.execute(db);
  await sql`insert into search_contacts (rowid, words, chars)
    select id, kefu_search_words(kefu_search_contact(name, email, phone)), kefu_search_chars(kefu_search_contact(name, email, phone)) from contacts`.execute(db);
}
