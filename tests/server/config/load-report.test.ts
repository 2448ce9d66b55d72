import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/load.js';
import { kefuCommand } from '../../helpers/cli.js';
import { configFolder, problemsOf } from '../../helpers/config-problems.js';

const { dir, file } = configFolder('kefu-config-report-');

describe('public_url left at its default', () => {
  it('follows KEFU_PORT instead of staying on :8080', () => {
    expect(loadConfig({ env: { KEFU_PORT: '18557' }, cwd: dir }).server.public_url).toBe('http://localhost:18557');
  });

  it('follows the config example copied as config.yaml, which leaves it unset', () => {
    const p = file(readFileSync(path.resolve('config.example.yaml'), 'utf8'));
    expect(loadConfig({ path: p, env: { KEFU_PORT: '18557' }, cwd: dir }).server.public_url).toBe('http://localhost:18557');
  });

  it('names the host when Kefu listens on one address, and keeps a public_url that is set', () => {
    expect(loadConfig({ path: file('server:\n  host: 127.0.0.1\n  port: 9000\n'), env: {}, cwd: dir }).server.public_url).toBe(
      'http://127.0.0.1:9000',
    );
    expect(loadConfig({ path: file('server:\n  host: "::1"\n  port: 9000\n'), env: {}, cwd: dir }).server.public_url).toBe(
      'http://[::1]:9000',
    );
    const set = file('server:\n  port: 9000\n  public_url: https://help.example.com/\n');
    expect(loadConfig({ path: set, env: {}, cwd: dir }).server.public_url).toBe('https://help.example.com');
  });
});

describe('config problems in one report', () => {
  it('lists every problem of the file at once, each naming its key', () => {
    const p = file(
      [
        'server:',
        '  prot: 8080',
        'backup:',
        '  keep: lots',
        '  schedule: "every night please"',
        'security:',
        '  session_days: 0',
        'channels:',
        '  widget:',
        '    - name: site',
        '      allowed_origins: [https://example.com]',
        '      email_channel: nowhere',
        '',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }));
    const keys = problems.map((line) => line.slice(0, line.indexOf(':')));
    expect(keys.sort()).toEqual(
      ['backup.keep', 'backup.schedule', 'channels.widget[0].email_channel', 'security.session_days', 'server.prot'].sort(),
    );
  });

  it('reports an unset ${VAR} together with the schema problems, once per key', () => {
    const p = file('server:\n  public_url: ${PUBLIC}\nlog:\n  level: loud\n');
    expect(problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir }))).toEqual([
      'server.public_url: environment variable PUBLIC is not set',
      expect.stringMatching(/^log\.level: expected one of .*"loud"/),
    ]);
  });

  it('reports sections of the wrong shape without tripping over them', () => {
    const p = file('server: 5\nchannels: 7\nbackup: nightly\n');
    const keys = problemsOf(() => loadConfig({ path: p, env: {}, cwd: dir })).map((line) => line.slice(0, line.indexOf(':')));
    expect(keys.sort()).toEqual(['backup', 'channels', 'server']);
  });

  it('refuses a backup.schedule that is not a cron expression', () => {
    const [problem] = problemsOf(() => loadConfig({ path: file('backup:\n  schedule: "99 99 * * *"\n'), env: {}, cwd: dir }));
    expect(problem).toMatch(/^backup\.schedule: not a valid cron expression/);
  });
});

describe('backup.postgres_bin', () => {
  it('takes an absolute directory and refuses a relative one, naming the key', () => {
    expect(loadConfig({ path: file('backup:\n  postgres_bin: /usr/lib/postgresql/16/bin\n'), env: {}, cwd: dir }).backup.postgres_bin).toBe('/usr/lib/postgresql/16/bin');
    const [problem] = problemsOf(() => loadConfig({ path: file('backup:\n  postgres_bin: bin\n'), env: {}, cwd: dir }));
    expect(problem).toMatch(/^backup\.postgres_bin: /);
  });
});

describe('YAML syntax errors', () => {
  it.each([
    ['an unclosed bracket', 'server:\n  port: 8080\n  host: [unclosed\nlog:\n  level: info\n', 3, 9],
    ['an unclosed quote', 'server:\n  host: "localhost\n  port: 8080\nlog:\n  level: info\n', 2, 9],
    ['a key indented too deep', 'server:\n  port: 8080\n   host: x\nlog:\n  level: info\n', 3, 4],
    ['a tab as indentation', 'server:\n\tport: 8080\n', 2, 1],
  ])('point at the line and column of %s', (_what, yaml, line, col) => {
    const [problem] = problemsOf(() => loadConfig({ path: file(yaml), env: {}, cwd: dir }));
    expect(problem).toMatch(new RegExp(`^YAML syntax error at line ${line}, column ${col}: `));
  });
});

describe('kefu serve with a bad backup.schedule', () => {
  it('stops before creating the database or a setup token', async () => {
    const data = path.join(dir, 'never-created');
    const p = file(`data_dir: ${data}\nbackup:\n  schedule: "61 * * * *"\n`);
    const child = spawn(process.execPath, kefuCommand('serve', '--config', p), { env: { ...process.env, KEFU_PORT: '0' } });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('backup.schedule: not a valid cron expression');
    expect(stdout).not.toContain('setup');
    expect(existsSync(path.join(data, 'kefu.sqlite'))).toBe(false);
  });
});
