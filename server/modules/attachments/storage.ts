import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PayloadTooLarge } from '../../http/errors.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../private-files.js';

export interface StoredFile {
  sha256: string;
  size: number;
}

/** Content-addressed: identical files are stored once, fanned out so no folder grows huge. */
export function attachmentPath(root: string, sha256: string): string {
  return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function tempPath(root: string): string {
  const dir = path.join(root, 'tmp');
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  return path.join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
}

/** Moves a complete temp file into place; a crash never leaves a partial file under its hash. */
function commitTemp(root: string, temp: string, sha256: string): void {
  const final = attachmentPath(root, sha256);
  if (existsSync(final)) {
    unlinkSync(temp);
    return;
  }
  mkdirSync(path.dirname(final), { recursive: true, mode: PRIVATE_DIR_MODE });
  renameSync(temp, final);
}

export function storeBuffer(root: string, content: Buffer): StoredFile {
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (!existsSync(attachmentPath(root, sha256))) {
    const temp = tempPath(root);
    writeFileSync(temp, content, { mode: PRIVATE_FILE_MODE });
    commitTemp(root, temp, sha256);
  }
  return { sha256, size: content.length };
}

/**
 * Streams to a temp file while hashing and counting; over maxBytes the temp file is removed
 * and PayloadTooLarge thrown, so nothing half-stored remains.
 */
export async function storeStream(root: string, input: Readable, maxBytes: number): Promise<StoredFile> {
  const hash = createHash('sha256');
  let size = 0;
  const temp = tempPath(root);
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(new PayloadTooLarge(`The file is larger than ${Math.floor(maxBytes / 1024 / 1024)} MB.`));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const out = createWriteStream(temp, { mode: PRIVATE_FILE_MODE });
  try {
    await pipeline(input, meter, out);
  } catch (err) {
    // The pipeline fails as soon as the size is over, while the file may still be opening; opened
    // after the removal, it would stay behind in tmp/. Removed once the stream has closed, it does not.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    rmSync(temp, { force: true });
    // Drain the rest so the HTTP request can still be answered.
    input.resume();
    throw err;
  }
  const sha256 = hash.digest('hex');
  commitTemp(root, temp, sha256);
  return { sha256, size };
}

export function removeFile(root: string, sha256: string): void {
  rmSync(attachmentPath(root, sha256), { force: true });
}
