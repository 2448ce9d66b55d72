import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.js';

/** A consistent copy of a live database through SQLite's online backup API. */
export async function snapshotDatabase(database: Database, dir: string, label: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${label}-${stamp}.sqlite`);
  await database.sqlite.backup(file);
  return file;
}
