import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictMode } from '../private-files.js';
import type { Database } from './database.js';

/** A consistent copy of a live database through SQLite's online backup API. */
export async function snapshotDatabase(database: Database, dir: string, label: string): Promise<string> {
  ensurePrivateDir(dir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${label}-${stamp}.sqlite`);
  await database.sqlite.backup(file);
  restrictMode(file, PRIVATE_FILE_MODE);
  return file;
}
