import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The data directory holds the database, secret.key and backups (which contain both), so it
 * and everything in it is for the Kefu user alone.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Also tightens a directory that already exists: mkdir's mode only applies to directories it
 * creates, and installs from before this change have a 0755 data directory.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrictMode(dir, PRIVATE_DIR_MODE);
}

/** Takes away any bit beyond `mode`, never adds one. */
export function restrictMode(file: string, mode: number): void {
  let current: number;
  try {
    current = statSync(file).mode & 0o777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if ((current & ~mode) === 0) return;
  try {
    chmodSync(file, current & mode);
  } catch (err) {
    // A mount point owned by another user (but writable by ours) cannot be chmod-ed; refusing
    // to start over it would break a working install, and the files inside are still 0600.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/** Every folder and file under dir (dir included); symlinks are not followed into. */
export function restrictTree(dir: string): void {
  restrictMode(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) restrictMode(full, PRIVATE_DIR_MODE);
    else if (entry.isFile()) restrictMode(full, PRIVATE_FILE_MODE);
  }
}

/**
 * SQLite creates -wal and -shm with the main file's mode, so the main file is tightened right
 * after opening, before WAL mode creates them; existing ones from older installs are fixed too.
 */
export function restrictDatabaseFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) restrictMode(f, PRIVATE_FILE_MODE);
}
