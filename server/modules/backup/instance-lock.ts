import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictMode } from '../../private-files.js';
import { InstanceLocked, type LockOwner } from './instance-locked.js';

export { InstanceLocked, type LockOwner };

export interface InstanceLock {
  readonly file: string;
  release(): void;
}

/** The lock itself: a small SQLite file whose exclusive lock lives as long as its holder. */
export const lockFile = (dataDir: string): string => path.join(dataDir, 'kefu.lock');
/** Who holds the lock, for messages only: never consulted to decide whether the lock is held. */
export const ownerFile = (dataDir: string): string => path.join(dataDir, 'kefu.pid');

/**
 * Takes the data directory for this process, or refuses with InstanceLocked.
 *
 * A pid file cannot tell a live holder from a leftover across containers (both are PID 1 in
 * their own namespace), so the lock is a file lock the kernel keeps on the file in the data
 * volume: SQLite's exclusive locking mode holds it until the connection closes, and the kernel
 * drops it when the holder dies however it dies, so nothing is ever stale.
 */
export function acquireInstanceLock(dataDir: string, purpose: string): InstanceLock {
  // `kefu serve` takes the lock before anything else touches the data directory.
  ensurePrivateDir(dataDir);
  const file = lockFile(dataDir);
  let sqlite: SqliteDatabase.Database | null = null;
  try {
    sqlite = new SqliteDatabase(file, { timeout: 0 });
    restrictMode(file, PRIVATE_FILE_MODE);
    sqlite.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the exclusive lock; in this mode it is never given back until close.
    sqlite.exec('create table if not exists holder (pid integer, host text, purpose text, since integer)');
    sqlite.exec('begin exclusive');
    sqlite.exec('delete from holder');
    sqlite.prepare('insert into holder values (?, ?, ?, ?)').run(process.pid, os.hostname(), purpose, Date.now());
    sqlite.exec('commit');
  } catch (err) {
    sqlite?.close();
    if (isBusy(err)) throw new InstanceLocked(readLockOwner(dataDir));
    throw new Error(`cannot take the lock file ${file}: ${(err as Error).message}`);
  }
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), purpose, since: Date.now() };
  writeFileSync(ownerFile(dataDir), `${JSON.stringify(owner)}\n`, { mode: PRIVATE_FILE_MODE });
  const held = sqlite;
  let released = false;
  return {
    file,
    release: () => {
      if (released) return;
      released = true;
      removeQuietly(ownerFile(dataDir));
      held.close();
    },
  };
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function readLockOwner(dataDir: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(ownerFile(dataDir), 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      host: String(parsed.host ?? 'unknown host'),
      purpose: String(parsed.purpose ?? 'unknown'),
      since: Number(parsed.since ?? 0),
    };
  } catch {
    return null;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
