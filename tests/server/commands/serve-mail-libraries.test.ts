import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, testDatabaseConfig } from '../../helpers/app.js';
import { freePort } from '../../helpers/dovecot.js';
import { startKefu, type KefuProcess } from '../multi-process/kefu-process.js';

/**
 * Preloaded into `kefu serve`: a module resolve hook that appends the package of every module the
 * process resolves (ESM or CommonJS imported from ESM) to the file in KEFU_TEST_PACKAGE_LOG.
 */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const pkg = /[/\\\\]node_modules[/\\\\]((?:@[^/\\\\]+[/\\\\])?[^/\\\\]+)[/\\\\]/.exec(resolved.url);
  if (pkg) appendFileSync(process.env.KEFU_TEST_PACKAGE_LOG, pkg[1] + '\\n');
  return resolved;
}`;
const RECORD_PACKAGES =
  'data:text/javascript,' +
  encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`);

const MAIL_LIBRARIES = ['imapflow', 'mailparser', 'nodemailer'];

// The mail libraries and their dependencies are several MB of heap in every serving process; a
// desk without email, and a serving thread whose mail is parsed on the parse pool, need none of them.
describe('kefu serve without an email channel', () => {
  let kefu: KefuProcess | undefined;
  afterAll(async () => {
    await kefu?.kill('SIGTERM');
  });

  it('serves without loading imapflow, mailparser or nodemailer', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'packages.log');
    const configFile = path.join(dir, 'config.yaml');
    const database = await testDatabaseConfig();
    // JSON is YAML.
    writeFileSync(
      configFile,
      JSON.stringify({
        server: { host: '127.0.0.1' },
        data_dir: path.join(dir, 'data'),
        ...(database ? { database } : {}),
        log: { level: 'info' },
        channels: { widget: [{ name: 'site', allowed_origins: ['https://shop.example'] }] },
      }),
    );
    const port = await freePort();
    kefu = await startKefu('mail-libraries', configFile, port, {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${RECORD_PACKAGES}`,
      KEFU_TEST_PACKAGE_LOG: log,
    });
    const res = await fetch(`${kefu.url}/healthz`);
    expect(res.status).toBe(200);
    await kefu.kill('SIGTERM');

    expect(existsSync(log), 'the resolve hook recorded packages').toBe(true);
    const loaded = new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean));
    // The hook saw the server's own dependencies load, so an absence below means something.
    expect(loaded).toContain('fastify');
    expect(MAIL_LIBRARIES.filter((name) => loaded.has(name))).toEqual([]);
  }, 120_000);
});
