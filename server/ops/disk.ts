import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from './health.js';

/** One filesystem block: a write this small fails only when the disk is really full. */
const PROBE_BYTES = 4096;

const mb = (bytes: number): number => Math.floor(bytes / 1024 / 1024);

/**
 * The `disk` readiness check. Below the floor it fails without taking the desk down (writes still
 * work, an operator has time to act); when a write into the data directory fails it is critical,
 * because every change agents and customers make would be lost.
 */
export function diskCheck(dataDir: string, minFreeMb: number): () => CheckResult {
  const probe = path.join(dataDir, '.write-probe');
  return () => {
    try {
      writeFileSync(probe, Buffer.alloc(PROBE_BYTES));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      return { ok: false, critical: true, message: `writes to the data directory fail (${code})` };
    } finally {
      rmSync(probe, { force: true });
    }
    const stats = statfsSync(dataDir);
    const free = stats.bavail * stats.bsize;
    if (mb(free) < minFreeMb) {
      return { ok: false, message: `${mb(free)} MB free under the data directory, below storage.min_free_mb (${minFreeMb} MB)` };
    }
    return { ok: true };
  };
}

/** SQLite reports a full disk as SQLITE_FULL, the file system as ENOSPC (or EDQUOT over a quota). */
export function isStorageFull(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  }
  return false;
}
