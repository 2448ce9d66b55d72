import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../server/commands/index.js';
import { kefuCommand } from '../../helpers/cli.js';

/**
 * Preloaded before the CLI: at exit it prints the CommonJS packages the process loaded. The
 * server's heavy dependencies (fastify, pino, better-sqlite3, kysely) are CommonJS, so an
 * import of the server shows up here.
 */
const REPORT_LOADED =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { createRequire } from 'node:module';
     const cache = createRequire(process.cwd() + '/').cache;
     process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(cache)) + '\\n'));`,
  );

const HEAVY = /[/\\]node_modules[/\\](fastify|pino|better-sqlite3|kysely|imapflow|nodemailer)[/\\]/;

async function run(args: string[], nodeArgs: string[] = kefuCommand(...args)): Promise<{ code: number; stdout: string; stderr: string; heavy: string[] }> {
  const child = spawn(process.execPath, ['--import', REPORT_LOADED, ...nodeArgs], { env: { ...process.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  const report = /\nLOADED (.*)\n/.exec(stderr);
  expect(report, 'the preload reported what was loaded').not.toBeNull();
  const loaded = JSON.parse(report?.[1] ?? '[]') as string[];
  return { code, stdout, stderr: stderr.replace(/\nLOADED .*\n/, ''), heavy: loaded.filter((p) => HEAVY.test(p)) };
}

describe('kefu --help and unknown commands', () => {
  it('the load report sees the server packages when they are imported', async () => {
    const probe = await run([], ['--input-type=module', '-e', "await import('fastify'); await import('pino')"]);
    expect(probe.heavy.some((p) => /fastify/.test(p))).toBe(true);
  });

  it('--help lists every command without loading the server', async () => {
    const { code, stdout, heavy } = await run(['--help']);
    expect(code).toBe(0);
    for (const name of ['serve', 'migrate', 'create-admin', 'backup', 'restore', 'seed', 'mail-pipe']) {
      expect(stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(heavy).toEqual([]);
  });

  it('an unknown command is refused with the help, without loading the server', async () => {
    const { code, stderr, heavy } = await run(['srve']);
    expect(code).toBe(1);
    expect(stderr).toContain('kefu: unknown command "srve"');
    expect(stderr).toContain('  serve ');
    expect(heavy).toEqual([]);
  });
});

describe('the command list', () => {
  it('shows the summary and usage each command carries', async () => {
    for (const [name, entry] of Object.entries(commands)) {
      const command = await entry.load();
      expect({ name, summary: entry.summary, usage: entry.usage }).toEqual({ name, summary: command.summary, usage: command.usage });
    }
  });
});
