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
