import path from 'node:path';

/**
 * How tests start the `kefu` command in a child process. `./install.sh --test` builds right before
 * the suite and sets KEFU_TEST_BUILT=1, so the compiled CLI is current and starts in a fraction of the
 * time tsx needs to compile the server on the fly; elsewhere the sources run through tsx.
 */
export function kefuCommand(...args: string[]): string[] {
  if (process.env.KEFU_TEST_BUILT === '1') return [path.resolve('dist/server/cli.js'), ...args];
  return ['--import', 'tsx', path.resolve('server/cli.ts'), ...args];
}
