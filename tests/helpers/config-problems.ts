import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { ConfigError } from '../../server/config/load.js';

/** The problems a config load reports; fails the test when it loads without one. */
export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/**
 * A temp folder for config files; `file` writes one more YAML file into it and returns its path.
 * The folder is removed after the test file.
 */
export function configFolder(prefix: string): { dir: string; file(yaml: string): string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return {
    dir,
    file(yaml) {
      const p = path.join(dir, `config-${++n}.yaml`);
      writeFileSync(p, yaml);
      return p;
    },
  };
}
