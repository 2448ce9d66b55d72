import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config/load.js';
import { configFolder, problemsOf } from '../../helpers/config-problems.js';
import { kefuCommand } from '../../helpers/cli.js';
import { createContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

const { dir, file } = configFolder('kefu-config-');

describe('config loader', () => {
  it('starts on defaults when there is no config file', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.config_path).toBeNull();
    expect(config.server.port).toBe(8080);
    expect(config.data_dir).toBe(path.join(dir, 'data'));
  });

  it('sizes the database and search index page caches from database.cache_mb and refuses a cache too small to work', async () => {
    const data = path.join(dir, 'cache-data');
    const config = loadConfig({ path: file(`data_dir: ${data}\ndatabase:\n  cache_mb: 48\n`), env: {}, cwd: dir });
    const ctx = await createContext(config, createLogger('silent', { pretty: false }));
    try {
      expect(sqliteOf(ctx.database).sqlite.pragma('cache_size', { simple: true })).toBe(-48 * 1024);
      // The search index, attached to the same connection, gets half as much.
      expect(sqliteOf(ctx.database).sqlite.pragma('search.cache_size', { simple: true })).toBe(-24 * 1024);
    } finally {
      await ctx.close();
    }
    const [problem] = problemsOf(() => loadConfig({ path: file('database:\n  cache_mb: 1\n'), env: {}, cwd: dir }));
    expect(problem).toMatch(/^database\.cache_mb: /);
  });

  it.each([
    ['a 0-byte file', ''],
    ['a file of blank lines', '\n  \n'],
  ])('refuses %s instead of running on defaults', (_what, yaml) => {
    const p = file(yaml);
    let caught: unknown;
    try {
      loadConfig({ path: p, env: {}, cwd: dir });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).source).toBe(p);
    expect((caught as ConfigError).problems[0]).toMatch(/empty/);
  });

  it('refuses an empty KEFU_CONFIG with a message naming it, not a stack trace', () => {
    expect(problemsOf(() => loadConfig({ env: { KEFU_CONFIG: '' }, cwd: dir }))[0]).toMatch(/^KEFU_CONFIG is set but empty/);
  });

  it('rejects a misspelled key naming its path', () => {
    const p = file('server:\n  prot: 8080\n');
    expect(problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }))).toEqual([
      'server.prot: unknown key (check the spelling)',
    ]);
  });

  it('names the path inside a channel list', () => {
    const p = file(
      'channels:\n  email:\n    - name: support\n      address: s@example.com\n      imap:\n        host: imap.example.com\n        user: s\n        password: x\n        port: "nine-nine-three"\n',
    );
    const problems = problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }));
    expect(problems.join('\n')).toMatch(/^channels\.email\[0\]\.imap\.port: expected integer/m);
  });

  it('rejects a wrong type saying what was expected and what it got', () => {
    const p = file('backup:\n  keep: lots\n');
    const [problem] = problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }));
    expect(problem).toMatch(/^backup\.keep: expected integer.*"lots"/);
  });

  it('reports a YAML syntax error with its line', () => {
    const p = file('server:\n  port: 8080\n  host: [unclosed\nlog:\n  level: info\n');
    const [problem] = problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }));
    expect(problem).toMatch(/^YAML syntax error at line [3-5]/);
  });

  it('refuses an explicit config path that does not exist', () => {
    expect(problemsOf(() => loadConfig({ path: path.join(dir, 'nope.yaml'), env: {}, cwd: dir }))[0]).toMatch(
      /config file not found/,
    );
  });

  it('reads *_file secrets and names the _file key when the secret is wrong', () => {
    const secret = path.join(dir, 'identity-secret');
    writeFileSync(secret, 'a-secret-at-least-16-chars\n');
    const ok = file(
      `channels:\n  widget:\n    - name: site\n      allowed_origins: [https://example.com]\n      identity_secret_file: ${secret}\n`,
    );
    expect(loadConfig({ path: ok, env: {}, cwd: dir }).channels.widget[0]?.identity_secret).toBe(
      'a-secret-at-least-16-chars',
    );

    writeFileSync(secret, 'short\n');
    expect(problemsOf(() => loadConfig({ path: ok, env: {}, cwd: dir }))[0]).toMatch(
      /^channels\.widget\[0\]\.identity_secret_file: /,
    );

    const missing = file('channels:\n  widget:\n    - name: site\n      allowed_origins: [https://example.com]\n      identity_secret_file: ./absent\n');
    expect(problemsOf(() => loadConfig({ path: missing, env: {}, cwd: dir }))[0]).toMatch(/identity_secret_file: cannot read .*ENOENT/);
  });

  it('refuses both a value and its _file variant', () => {
    const p = file(
      'channels:\n  widget:\n    - name: site\n      allowed_origins: [https://example.com]\n      identity_secret: a-secret-at-least-16-chars\n      identity_secret_file: /x\n',
    );
    expect(problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }))[0]).toMatch(/set either identity_secret or identity_secret_file/);
  });

  it('substitutes ${VAR} and ${VAR:-fallback}, and names an unset variable', () => {
    const p = file('server:\n  public_url: ${PUBLIC}\n  host: ${BIND:-127.0.0.1}\n');
    const config = loadConfig({ path: p, env: { PUBLIC: 'https://desk.example.com/' }, cwd: dir });
    expect(config.server.public_url).toBe('https://desk.example.com');
    expect(config.server.host).toBe('127.0.0.1');
    expect(problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }))).toEqual([
      'server.public_url: environment variable PUBLIC is not set',
    ]);
  });

  it('lets KEFU_* environment variables override the file', () => {
    const p = file('server:\n  host: 0.0.0.0\n  port: 9000\ndata_dir: ./from-file\nlog:\n  level: info\n');
    const config = loadConfig({
      env: {
        KEFU_CONFIG: p,
        KEFU_HOST: '127.0.0.1',
        KEFU_PORT: '9100',
        KEFU_PUBLIC_URL: 'https://help.example.org',
        KEFU_DATA_DIR: '/srv/kefu',
        KEFU_LOG_LEVEL: 'debug',
        KEFU_ADMIN_EMAIL: 'boss@example.org',
        KEFU_ADMIN_PASSWORD: 'a long enough password',
      },
      cwd: dir,
    });
    expect(config.config_path).toBe(p);
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 9100, public_url: 'https://help.example.org' });
    expect(config.data_dir).toBe('/srv/kefu');
    expect(config.log.level).toBe('debug');
    expect(config.first_admin).toEqual({ email: 'boss@example.org', password: 'a long enough password' });
  });

  it('rejects a non-numeric KEFU_PORT', () => {
    expect(problemsOf(() => loadConfig({ env: { KEFU_PORT: 'eighty' }, cwd: dir }))[0]).toMatch(/^KEFU_PORT: /);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
  });
});

describe('kefu CLI with a bad config', () => {
  it('exits with code 2 and names the key', async () => {
    const p = file('server:\n  prot: 8080\n');
    const child = spawn(process.execPath, kefuCommand('serve', '--config', p), {
      env: { ...process.env, KEFU_DATA_DIR: path.join(dir, 'data') },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('server.prot: unknown key');
  });
});
