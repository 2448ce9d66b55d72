import path from 'node:path';
import { rmSync } from 'node:fs';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.js';
import { attachForReading } from '../../../server/db/dialect.js';
import { tempDir } from '../../helpers/app.js';

let dir: string | null = null;
let database: Database | null = null;
let other: SqliteDatabase.Database | null = null;

afterEach(async () => {
  other?.close();
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
  database = null;
  other = null;
});

/**
 * The search index thread has its own connection to the main database and trims search_queue
 * with it (a write, autocommit, busy timeout 50 ms). A server transaction that began with a read
 * and had such a write commit before its own first write could not take the write lock from its
 * old snapshot: SQLite answers that with "database is locked" at once, whatever the busy timeout.
 */
describe('transactions of the server connection', () => {
  it('take the write lock when they begin, so a write by another connection meanwhile cannot fail them', async () => {
    dir = tempDir();
    const file = path.join(dir, 'kefu.sqlite');
    database = openDatabase(file);
    database.sqlite.exec('create table queue (id integer primary key, v text); create table notes (id integer primary key, v text)');
    database.sqlite.exec("insert into queue (v) values ('a'), ('b')");
    other = new SqliteDatabase(file);
    other.pragma('busy_timeout = 0');
    const trim = other.prepare('delete from queue where id <= 1');
    let trimmed: 'yes' | 'busy' | null = null;

    await database.transaction(async (tx) => {
      // A read first, as intake does (is this mail stored? who is the contact?).
      await tx.selectFrom('queue' as never).selectAll().execute();
      try {
        trim.run();
        trimmed = 'yes';
      } catch (err) {
        // What the index thread does with SQLITE_BUSY: leave the trim for later.
        expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
        trimmed = 'busy';
      }
      await tx.insertInto('notes' as never).values({ v: 'kept' } as never).execute();
    });

    expect(trimmed).toBe('busy');
    expect(database.sqlite.prepare('select v from notes').all()).toEqual([{ v: 'kept' }]);
  });

  /**
   * BEGIN IMMEDIATE locks every attached database for writing, and search.sqlite is attached to the
   * server connection while the index thread writes it in batches: intake waited for each batch
   * and, under load, failed with "database is locked" after the busy timeout.
   */
  it("with the search index attached, take the main database's write lock alone", async () => {
    dir = tempDir();
    const file = path.join(dir, 'kefu.sqlite');
    const indexFile = path.join(dir, 'search.sqlite');
    database = openDatabase(file);
    database.sqlite.pragma('busy_timeout = 200');
    database.sqlite.exec('create table kefu_migrations (name text primary key); create table notes (id integer primary key, v text)');
    const indexer = new SqliteDatabase(indexFile);
    indexer.pragma('journal_mode = WAL');
    indexer.exec('create table terms (v text)');
    attachForReading(database.sqlite, indexFile, 'search');
    other = new SqliteDatabase(file);
    other.pragma('busy_timeout = 0');
    const otherWrite = other.prepare("insert into notes (v) values ('other')");
    let otherWrote: 'yes' | 'busy' | null = null;

    // The index thread is in the middle of a batch.
    indexer.exec("begin immediate; insert into terms (v) values ('退款')");
    try {
      await database.transaction(async (tx) => {
        try {
          otherWrite.run();
          otherWrote = 'yes';
        } catch (err) {
          expect((err as { code?: string }).code).toBe('SQLITE_BUSY');
          otherWrote = 'busy';
        }
        await tx.insertInto('notes' as never).values({ v: 'kept' } as never).execute();
      });
    } finally {
      indexer.exec('commit');
    }

    // The main database was still locked from the transaction's start...
    expect(otherWrote).toBe('busy');
    expect(database.sqlite.prepare('select v from notes').all()).toEqual([{ v: 'kept' }]);
    // ...and the attached index is read through the same connection, the indexer's batch included.
    expect(database.sqlite.prepare('select v from search.terms').all()).toEqual([{ v: '退款' }]);
    indexer.close();
  });
});
