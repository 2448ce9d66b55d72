import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { databaseFile, openDatabase, type Database } from '../../../server/db/database.js';
import { migrateToLatest, pendingMigrations } from '../../../server/db/migrate.js';
import { migrations } from '../../../migrations/index.js';
import { tempDir } from '../../helpers/app.js';

const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

function fresh(): { database: Database; dir: string } {
  const dir = tempDir();
  const database = openDatabase(databaseFile(dir));
  open.push(database);
  return { database, dir };
}

describe('database', () => {
  it('opens SQLite in WAL mode with foreign keys and a busy timeout', () => {
    const { database } = fresh();
    expect(database.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('applies every migration on a new database without taking a backup', async () => {
    const { database, dir } = fresh();
    const result = await migrateToLatest(database, path.join(dir, 'backups'));
    expect(result.applied).toEqual(Object.keys(migrations));
    expect(result.backupFile).toBeNull();
    expect(await pendingMigrations(database)).toEqual([]);
  });

  it('backs up an existing database before applying a pending migration', async () => {
    const { database, dir } = fresh();
    const first = {
      '0001-notes': { up: (db: Kysely<unknown>) => db.schema.createTable('notes').addColumn('body', 'text').execute() },
    };
    await migrateToLatest(database, path.join(dir, 'backups'), first);
    await sql`insert into notes (body) values ('keep me')`.execute(database.db);
    const upgraded = {
      ...first,
      '0002-tags': { up: (db: Kysely<unknown>) => db.schema.createTable('tags').addColumn('name', 'text').execute() },
    };

    const result = await migrateToLatest(database, path.join(dir, 'backups'), upgraded);
    expect(result.applied).toEqual(['0002-tags']);
    expect(result.backupFile).not.toBeNull();
    const snapshot = openDatabase(result.backupFile as string, { readonly: true });
    open.push(snapshot);
    expect(snapshot.sqlite.prepare('select body from notes').all()).toEqual([{ body: 'keep me' }]);
    expect(snapshot.sqlite.prepare("select name from sqlite_master where name = 'tags'").get()).toBeUndefined();
    expect(readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.sqlite'))).toHaveLength(1);
  });

  it('reports which migration failed and leaves the database usable', async () => {
    const { database, dir } = fresh();
    const broken = { '0001-bad': { up: (db: Kysely<unknown>) => sql`create table oops (`.execute(db).then(() => undefined) } };
    await expect(migrateToLatest(database, path.join(dir, 'backups'), broken)).rejects.toThrow(/migration 0001-bad failed/);
    expect(database.sqlite.prepare('select 1 as ok').get()).toEqual({ ok: 1 });
  });

  it('runs onCommit callbacks after a commit and never after a rollback', async () => {
    const { database, dir } = fresh();
    await migrateToLatest(database, path.join(dir, 'backups'));
    const fired: string[] = [];
    await database.transaction(async (_tx, onCommit) => {
      onCommit(() => fired.push('committed'));
    });
    await expect(
      database.transaction(async (tx, onCommit) => {
        onCommit(() => fired.push('rolled back'));
        const t = Date.now();
        await tx
          .insertInto('agents')
          .values({ email: 'gone@example.test', name: 'Gone', role: 'agent', password_hash: null, language: 'en', preferences: '{}', active: 1, created_at: t, updated_at: t })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(fired).toEqual(['committed']);
    const rows = await database.db.selectFrom('agents').select('email').execute();
    expect(rows).toEqual([]);
  });
});

