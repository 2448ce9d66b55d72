import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { databaseFile, openDatabase, type Database } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { tempDir } from '../../helpers/app.js';

const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

async function migrated(): Promise<Database> {
  const dir = tempDir();
  const database = openDatabase(databaseFile(dir));
  open.push(database);
  await migrateToLatest(database, path.join(dir, 'backups'));
  await sql`insert into labels (name, color, created_at) values ('a', '#000', 1), ('b', '#000', 2), ('c', '#000', 3)`.execute(database.db);
  return database;
}

describe('LIMIT and OFFSET written into the SQL', () => {
  it('inlines integer limits and offsets and still returns the right rows', async () => {
    const { db } = await migrated();
    const query = db.selectFrom('labels').select('name').orderBy('name').limit(2).offset(1);
    const compiled = query.compile();
    expect(compiled.sql).toMatch(/limit 2 offset 1$/);
    expect(compiled.parameters).toEqual([]);
    expect((await query.execute()).map((r) => r.name)).toEqual(['b', 'c']);
  });

  it('keeps anything that is not a safe integer as a bound parameter', async () => {
    const { db } = await migrated();
    const compiled = db.selectFrom('labels').select('name').limit(2.5).compile();
    expect(compiled.sql).toMatch(/limit \?$/);
    expect(compiled.parameters).toEqual([2.5]);
  });
});
