import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomToken } from './crypto.js';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictMode } from './private-files.js';

const KEY_BYTES = 48;
const KEY_CHARS = Math.ceil((KEY_BYTES * 4) / 3);
const KEY_SHAPE = new RegExp(`^[A-Za-z0-9_-]{${KEY_CHARS}}$`);

/**
 * The instance's own signing key (widget visitor tokens, reply addresses, setup links).
 * Made once on first start and kept in the data directory, so it survives restarts and backups.
 */
export function loadInstanceSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret.key');
  if (existsSync(file)) {
    // One restored by hand or kept from an older install may have a looser mode.
    restrictMode(file, PRIVATE_FILE_MODE);
    const kept = readFileSync(file, 'utf8').trim();
    // An empty or cut key would sign visitor tokens anyone can forge: refuse it rather than run on it.
    if (!KEY_SHAPE.test(kept)) {
      throw new Error(
        `${file}: the instance key must be ${KEY_CHARS} base64url characters, found ${kept.length}. Restore it from a backup, or delete the file to make a new one (signed-in visitors and reply addresses then stop matching).`,
      );
    }
    return kept;
  }
  ensurePrivateDir(dataDir);
  const secret = randomToken(KEY_BYTES);
  writeFileSync(file, `${secret}\n`, { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  return secret;
}
