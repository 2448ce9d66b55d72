import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../../private-files.js';

/** Who holds a data directory: a serving process, or a restore in progress. */
export interface LockOwner {
  pid: number;
  purpose: string;
  since: number;
}

export interface InstanceLock {
  readonly file: string;
  release(): void;
}

export class InstanceLocked extends Error {
  constructor(readonly owner: LockOwner) {
    super(`the data directory is in use by process ${owner.pid} (${owner.purpose})`);
    this.name = 'InstanceLocked';
  }
}

export const lockFile = (dataDir: string): string => path.join(dataDir, 'kefu.pid');

/**
 * Takes the data directory for this process. A file left behind by a crashed or killed
 * process is taken over; one held by a live process refuses with InstanceLocked.
 */
export function acquireInstanceLock(dataDir: string, purpose: string): InstanceLock {
  // `kefu serve` takes the lock before anything else touches the data directory.
  ensurePrivateDir(dataDir);
  const file = lockFile(dataDir);
  const owner: LockOwner = { pid: process.pid, purpose, since: Date.now() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify(owner)}\n`, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      return { file, release: () => releaseIfOurs(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLockOwner(dataDir);
    if (holder && isLiveOtherProcess(holder.pid)) throw new InstanceLocked(holder);
    removeQuietly(file);
  }
  throw new Error(`cannot take the lock file ${file}`);
}

/** The live holder of the data directory, or null when nobody (or only a stale file) holds it. */
export function currentLockOwner(dataDir: string): LockOwner | null {
  const holder = readLockOwner(dataDir);
  return holder && isLiveOtherProcess(holder.pid) ? holder : null;
}

function readLockOwner(dataDir: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return { pid: parsed.pid, purpose: String(parsed.purpose ?? 'unknown'), since: Number(parsed.since ?? 0) };
  } catch {
    return null;
  }
}

/**
 * In a container every start is PID 1, so a file naming our own pid is a leftover of the
 * previous run. A recycled pid now owned by something that is not Node is stale as well.
 */
function isLiveOtherProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /node|kefu|tsx/.test(cmdline);
  } catch {
    return true;
  }
}

function releaseIfOurs(file: string): void {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    if (parsed.pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone: nothing to release.
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
