import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CamelCasePlugin, sql, type Generated, type Kysely } from 'kysely';
import { databaseFile, openDatabase, type Database } from '../../../server/db/database.js';
import { prepared } from '../../../server/db/prepared.js';

interface NotesTable {
  id: Generated<number>;
  owner: string;
  body: string | null;
  status: string;
  meta: string;
  created_at: number;
}
type NotesDb = Kysely<{ notes: NotesTable }>;

const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

/** A real database file as the app opens it (statement cache, LIMIT plugin), with one table of our own. */
async function notesDb(): Promise<{ database: Database; db: NotesDb }> {
  const database = openDatabase(databaseFile(mkdtempSync(path.join(os.tmpdir(), 'kefu-prepared-'))));
  open.push(database);
  await sql`create table notes (
    id integer primary key, owner text not null, body text, status text not null,
    meta text not null default '{}', created_at integer not null)`.execute(database.db);
  return { database, db: database.db.withTables<{ notes: NotesTable }>() };
}

let builds = 0;
const insertNote = prepared((db: NotesDb, p: { owner: string; body: string | null; meta: string; at: number }) => {
  builds++;
  return db
    .insertInto('notes')
    .values({ owner: p.owner, body: p.body, status: 'open', meta: p.meta, created_at: p.at })
    .returningAll();
});
const notesOf = prepared((db: NotesDb, p: { owner: string }) =>
  db.selectFrom('notes').selectAll().where('owner', '=', p.owner).orderBy('id'),
);

describe('prepared queries', () => {
  it('compiles a query once and runs it with new values each time', async () => {
    const { db } = await notesDb();
    const before = builds;
    const a = await insertNote.one(db, { owner: 'ann', body: 'first', meta: '{"x":1}', at: 10 });
    const b = await insertNote.one(db, { owner: 'bob', body: null, meta: '{}', at: 20 });
    await insertNote.one(db, { owner: 'ann', body: 'second', meta: '{}', at: 30 });
    expect(builds - before).toBe(1);
    expect(a).toMatchObject({ owner: 'ann', body: 'first', status: 'open', meta: '{"x":1}', created_at: 10 });
    expect(b).toMatchObject({ owner: 'bob', body: null, created_at: 20 });
    expect((await notesOf.all(db, { owner: 'ann' })).map((r) => r.body)).toEqual(['first', 'second']);
    expect(await notesOf.first(db, { owner: 'nobody' })).toBeUndefined();
  });

  it('writes the same SQL as the builder, with values fixed in the builder kept as constants', async () => {
    const { db } = await notesDb();
    const built = db
      .insertInto('notes')
      .values({ owner: 'x', body: 'y', status: 'open', meta: '{}', created_at: 1 })
      .returningAll()
      .compile();
    const compiled = insertNote.compile(db);
    expect(compiled.sql).toBe(built.sql);
    expect(compiled.parameters).toEqual([
      { param: 'owner' },
      { param: 'body' },
      { constant: 'open' },
      { param: 'meta' },
      { param: 'at' },
    ]);
  });

  it('binds a parameter used twice and one inside a raw SQL fragment', async () => {
    const { db } = await notesDb();
    await insertNote.one(db, { owner: 'ann', body: 'a', meta: '{}', at: 5 });
    await insertNote.one(db, { owner: 'ann', body: 'b', meta: '{}', at: 50 });
    const window = prepared((d: NotesDb, p: { at: number }) =>
      d
        .selectFrom('notes')
        .select('body')
        .where('created_at', '<=', p.at)
        .where(sql<boolean>`created_at > ${p.at} - 10`)
        .orderBy('id'),
    );
    expect(window.compile(db).parameters).toEqual([{ param: 'at' }, { param: 'at' }]);
    expect(await window.all(db, { at: 10 })).toEqual([{ body: 'a' }]);
    expect(await window.all(db, { at: 55 })).toEqual([{ body: 'b' }]);
  });

  it('keeps a literal LIMIT in the SQL text, as the database plugin writes it', async () => {
    const { db } = await notesDb();
    const latest = prepared((d: NotesDb, p: { owner: string }) =>
      d.selectFrom('notes').select('body').where('owner', '=', p.owner).orderBy('id', 'desc').limit(1),
    );
    expect(latest.compile(db).sql).toMatch(/limit 1$/);
    await insertNote.one(db, { owner: 'ann', body: 'old', meta: '{}', at: 1 });
    await insertNote.one(db, { owner: 'ann', body: 'new', meta: '{}', at: 2 });
    expect(await latest.first(db, { owner: 'ann' })).toEqual({ body: 'new' });
  });

  it('runs on the connection of the transaction it is given', async () => {
    const { db } = await notesDb();
    const seenInside = await db
      .transaction()
      .execute(async (tx) => {
        await insertNote.one(tx, { owner: 'tx', body: 'kept?', meta: '{}', at: 1 });
        const inside = await notesOf.all(tx, { owner: 'tx' });
        throw Object.assign(new Error('roll back'), { inside });
      })
      .catch((e: { inside: unknown[] }) => e.inside);
    expect(seenInside).toHaveLength(1);
    expect(await notesOf.all(db, { owner: 'tx' })).toEqual([]);

    await db.transaction().execute(async (tx) => {
      await insertNote.one(tx, { owner: 'tx', body: 'committed', meta: '{}', at: 2 });
    });
    expect((await notesOf.all(db, { owner: 'tx' })).map((r) => r.body)).toEqual(['committed']);
  });

  it('reports affected rows for a statement without RETURNING', async () => {
    const { db } = await notesDb();
    await insertNote.one(db, { owner: 'ann', body: 'a', meta: '{}', at: 1 });
    await insertNote.one(db, { owner: 'ann', body: 'b', meta: '{}', at: 2 });
    const close = prepared((d: NotesDb, p: { owner: string }) =>
      d.updateTable('notes').set({ status: 'closed' }).where('owner', '=', p.owner),
    );
    const result = await close.execute(db, { owner: 'ann' });
    expect(result.numAffectedRows).toBe(2n);
    expect(result.rows).toEqual([]);
  });

  it('refuses an undefined or array value instead of running a query of another shape', async () => {
    const { db } = await notesDb();
    const loose = { owner: 'ann', meta: '{}', at: 1 } as unknown as { owner: string; body: string | null; meta: string; at: number };
    await expect(insertNote.one(db, loose)).rejects.toThrow(/parameter "body" is undefined/);
    const list = { owner: ['ann', 'bob'] } as unknown as { owner: string };
    await expect(notesOf.all(db, list)).rejects.toThrow(/parameter "owner" is an array/);
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  it('refuses a build that branches on a parameter, spreads them or writes one into the SQL text', async () => {
    const { db } = await notesDb();
    const branching = prepared((d: NotesDb, p: { owner: string; all: boolean }) => {
      const q = d.selectFrom('notes').selectAll();
      return p.all ? q : q.where('owner', '=', p.owner);
    });
    expect(() => branching.compile(db)).toThrow(/parameter "all" was read but is not a bound value/);

    const spreading = prepared((d: NotesDb, p: { owner: string; body: string; meta: string; created_at: number }) =>
      d.insertInto('notes').values({ ...p, status: 'open' }),
    );
    expect(() => spreading.compile(db)).toThrow(/cannot be listed or spread/);

    const asText = prepared((d: NotesDb, p: { column: string }) => d.selectFrom('notes').select(sql.raw<string>(`${p.column}`).as('c')));
    expect(() => asText.compile(db)).toThrow(/parameter "column" was used as text/);
  });

  it('compiles separately for each database and each set of plugins, and result plugins still apply', async () => {
    const one = await notesDb();
    const two = await notesDb();
    await insertNote.one(one.db, { owner: 'ann', body: 'in one', meta: '{}', at: 1 });
    await insertNote.one(two.db, { owner: 'ann', body: 'in two', meta: '{}', at: 1 });
    expect((await notesOf.all(one.db, { owner: 'ann' })).map((r) => r.body)).toEqual(['in one']);
    expect((await notesOf.all(two.db, { owner: 'ann' })).map((r) => r.body)).toEqual(['in two']);

    type CamelNotes = Kysely<{ notes: { id: Generated<number>; owner: string; body: string | null; createdAt: number } }>;
    const camel = one.database.db
      .withTables<{ notes: { id: Generated<number>; owner: string; body: string | null; createdAt: number } }>()
      .withPlugin(new CamelCasePlugin());
    const camelNotes = prepared((d: CamelNotes, p: { since: number }) =>
      d.selectFrom('notes').select(['body', 'createdAt']).where('createdAt', '>=', p.since),
    );
    expect(camelNotes.compile(camel).sql).toContain('"created_at" >= ?');
    expect(await camelNotes.all(camel, { since: 0 })).toEqual([{ body: 'in one', createdAt: 1 }]);
  });
});
