import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The search index moves out of this database into search.sqlite next to it, written by a
// thread of its own (server/search/indexer.ts). FTS5 inside a trigger flushed its buffer at
// every inserted row: indexing was a third of the cost of storing a message, paid by every
// request on the one thread that writes. New rows are found by id (every indexed table counts
// up); edits and deletes are noted here for the indexer to redo.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['messages', 'tickets', 'contacts']) {
    for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists search_${table}_${op}`).execute(db);
    await sql.raw(`drop table if exists search_${table}`).execute(db);
  }

  await sql`create table search_queue (
    id integer primary key autoincrement,
    kind text not null check (kind in ('messages', 'tickets', 'contacts')),
    row_id integer not null
  )`.execute(db);

  const changed = { messages: 'text', tickets: 'subject, number', contacts: 'name, email, phone' };
  for (const [table, columns] of Object.entries(changed)) {
    await sql.raw(`create trigger search_${table}_update after update of ${columns} on ${table} begin
      insert into search_queue (kind, row_id) values ('${table}', new.id);
    end`).execute(db);
    await sql.raw(`create trigger search_${table}_delete after delete on ${table} begin
      insert into search_queue (kind, row_id) values ('${table}', old.id);
    end`).execute(db);
  }
}
