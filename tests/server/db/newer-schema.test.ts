import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Kysely, Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/db/database.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { DatabaseStartupError } from '../../../server/db/startup-error.js';
import { tempDir } from '../../helpers/app.js';

const dir = tempDir('kefu-newer-schema-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const table = (name: string): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema.createTable(name).addColumn('id', 'integer', (c) => c.primaryKey()).execute();
  },
});

describe('a SQLite database from a newer Kefu', () => {
  it('stops start-up naming the unknown migrations and this version, without touching the file', async () => {
    const database = openDatabase(path.join(dir, 'kefu.sqlite'));
    try {
      await migrateToLatest(database, path.join(dir, 'backups'), { '0001-a': table('a'), '0002-b': table('b') });
      const attempt = migrateToLatest(database, path.join(dir, 'backups'), { '0001-a': table('a') });
      await expect(attempt).rejects.toThrow(DatabaseStartupError);
      await expect(attempt).rejects.toThrow(/has migrations 0002-b, and this version knows up to 0001-a/);
      const names = database.sqlite.prepare('select name from kefu_migrations order by name').pluck().all();
      expect(names).toEqual(['0001-a', '0002-b']);
    } finally {
      await database.close();
    }
  });
});
