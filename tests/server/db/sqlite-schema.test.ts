import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { migrations } from '../../../migrations/index.js';
import { tempDir } from '../../helpers/app.js';

const dir = tempDir('kefu-sqlite-schema-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The migrations now serve PostgreSQL too, through server/db/dialect-sql.ts. On SQLite they must
 * still write exactly what they wrote before: the fixture is `sqlite_master` of a fresh database
 * made by the migrations as of commit db80a78, before any of them was touched. Migrations added
 * since then are left out: they are not in the fixture.
 */
const NEWEST_IN_FIXTURE = '0031-report-digest';
const fixtureMigrations = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= NEWEST_IN_FIXTURE));

describe('the SQLite schema the migrations make', () => {
  it('is byte for byte the one made before the migrations learnt PostgreSQL', async () => {
    const expected: unknown = JSON.parse(readFileSync(path.resolve('tests/fixtures/schema/sqlite-db80a78.json'), 'utf8'));
    const database = openDatabase(path.join(dir, 'kefu.sqlite'));
    try {
      await migrateToLatest(database, path.join(dir, 'backups'), fixtureMigrations);
      const rows = database.sqlite.prepare('select type, name, tbl_name, sql from sqlite_master order by name').all();
      expect(rows).toEqual(expected);
    } finally {
      await database.close();
    }
  });
});
