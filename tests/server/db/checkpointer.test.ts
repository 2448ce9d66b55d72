import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startCheckpointer } from '../../../server/db/checkpointer.js';
import { databaseFile, openDatabase, WAL_AUTOCHECKPOINT_PAGES, type Database } from '../../../server/db/database.js';
import { createLogger } from '../../../server/logger.js';
import { tempDir } from '../../helpers/app.js';

const open: Database[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});

function fresh(): Database {
  const database = openDatabase(databaseFile(tempDir()));
  open.push(database);
  return database;
}

const logger = createLogger('silent', { pretty: false });

describe('background checkpointer', () => {
  it('takes checkpoints over from the writing connection and copies its commits into the database file', async () => {
    const database = fresh();
    await sql`create table notes (id integer primary key, body text not null)`.execute(database.db);
    const checkpointer = startCheckpointer(database, { logger, everyMs: 20 });
    await checkpointer.ready;
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    const before = statSync(database.file).size;
    const insert = database.sqlite.prepare('insert into notes (body) values (?)');
    database.sqlite.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
    })();
    // Only a checkpoint moves pages from the WAL into the database file itself.
    await expect.poll(() => statSync(database.file).size, { timeout: 5000 }).toBeGreaterThan(before + 500_000);
    expect(checkpointer.checkpoints).toBeGreaterThan(0);

    await checkpointer.stop();
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_PAGES);
  });
});
