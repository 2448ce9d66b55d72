import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { attachmentPath, storeStream } from '../../../server/modules/attachments/storage.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function root(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-store-'));
  roots.push(dir);
  return dir;
}

describe('attachment storage', () => {
  it('leaves no temp file behind when the first chunk is already over the limit', async () => {
    // Over the limit before the temp file has even finished opening: the case that left empty files in tmp/.
    for (let i = 0; i < 20; i++) {
      const dir = root();
      await expect(storeStream(dir, Readable.from([Buffer.alloc(2048, 1)]), 1024)).rejects.toMatchObject({ status: 413 });
      expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    }
  });

  it('stores a file under its hash and nothing in tmp/', async () => {
    const dir = root();
    const stored = await storeStream(dir, Readable.from([Buffer.from('hello '), Buffer.from('world')]), 1024);
    expect(stored.size).toBe(11);
    expect(readdirSync(path.dirname(attachmentPath(dir, stored.sha256)))).toEqual([stored.sha256]);
    expect(readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });
});
