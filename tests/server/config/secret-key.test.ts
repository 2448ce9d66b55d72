import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadInstanceSecret } from '../../../server/secret.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kefu-secret-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('instance secret key', () => {
  it('makes a key on first start and reads the same one back', () => {
    const dir = dataDir();
    const made = loadInstanceSecret(dir);
    expect(made).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(loadInstanceSecret(dir)).toBe(made);
    expect(readFileSync(path.join(dir, 'secret.key'), 'utf8').trim()).toBe(made);
  });

  it.each([
    ['an empty file', ''],
    ['only a newline', '\n'],
    ['a cut key', 'abc123'],
    ['a key with foreign characters', `${'x'.repeat(63)}!`],
  ])('refuses to start on %s, naming the file', (_what, content) => {
    const dir = dataDir();
    const file = path.join(dir, 'secret.key');
    writeFileSync(file, content);
    expect(() => loadInstanceSecret(dir)).toThrow(file);
    // The bad key is left for the admin to look at, not silently replaced.
    expect(readFileSync(file, 'utf8')).toBe(content);
  });
});
