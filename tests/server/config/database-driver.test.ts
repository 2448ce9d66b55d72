import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config/load.js';
import { redactDatabaseUrl } from '../../../server/config/database-url.js';
import { configFolder, problemsOf } from '../../helpers/config-problems.js';

const { dir, file } = configFolder('kefu-config-db-');
const load = (yaml: string, env: Record<string, string> = {}) => loadConfig({ path: file(yaml), env, cwd: dir });

describe('database.driver, database.url and database.pool_size', () => {
  it('defaults to SQLite with a pool of 10 and no url', () => {
    const config = load('log:\n  level: info\n');
    expect(config.database).toEqual({ driver: 'sqlite', pool_size: 10, presence_timeout_s: 30, cache_mb: 32 });
  });

  it('takes a postgres url from the file, from ${ENV} and from url_file', () => {
    const inline = load('database:\n  driver: postgres\n  url: postgres://kefu:pw@db:5432/kefu\n  pool_size: 4\n');
    expect(inline.database).toMatchObject({ driver: 'postgres', url: 'postgres://kefu:pw@db:5432/kefu', pool_size: 4 });

    const fromEnv = load('database:\n  driver: postgres\n  url: ${KEFU_DB_URL}\n', { KEFU_DB_URL: 'postgresql://u@h/d' });
    expect(fromEnv.database.url).toBe('postgresql://u@h/d');

    const secret = path.join(dir, 'db-url');
    writeFileSync(secret, 'postgres://kefu:from-file@db/kefu\n');
    const fromFile = load(`database:\n  driver: postgres\n  url_file: ${secret}\n`);
    expect(fromFile.database.url).toBe('postgres://kefu:from-file@db/kefu');
  });

  it('stops on driver postgres without a url, naming database.url', () => {
    expect(problemsOf(() => load('database:\n  driver: postgres\n'))).toEqual([
      expect.stringMatching(/^database\.url: required when database\.driver is "postgres"/),
    ]);
  });

  it.each([
    ['another scheme', 'mysql://kefu:s3cret-pw@db/kefu', /expected a URL starting with postgres:\/\//],
    ['no scheme', 'kefu:s3cret-pw@db', /expected a URL starting with postgres:\/\//],
    ['no URL at all', 'db host s3cret-pw', /not a URL/],
    ['no database name', 'postgres://kefu:s3cret-pw@db:5432/', /names no database/],
  ])('stops on a url with %s, naming the key but never the password', (_what, url, message) => {
    const problems = problemsOf(() => load(`database:\n  driver: postgres\n  url: "${url}"\n`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^database\.url: /);
    expect(problems[0]).toMatch(message);
    expect(problems[0]).not.toContain('s3cret-pw');
  });

  it('names url_file when the url came from a file', () => {
    const secret = path.join(dir, 'bad-url');
    writeFileSync(secret, 'http://kefu:s3cret-pw@db/kefu\n');
    const problems = problemsOf(() => load(`database:\n  driver: postgres\n  url_file: ${secret}\n`));
    expect(problems[0]).toMatch(/^database\.url_file: expected a URL starting with postgres:\/\//);
    expect(problems[0]).not.toContain('s3cret-pw');
  });

  it('stops on a url given while the driver is still sqlite, and on a bad driver or pool size', () => {
    expect(problemsOf(() => load('database:\n  url: postgres://u@h/d\n'))[0]).toMatch(
      /^database\.url: set, but database\.driver is "sqlite"/,
    );
    expect(problemsOf(() => load('database:\n  driver: mysql\n'))[0]).toMatch(/^database\.driver: expected one of "sqlite", "postgres"/);
    expect(problemsOf(() => load('database:\n  pool_size: 0\n'))[0]).toMatch(/^database\.pool_size: /);
  });

  it('takes how long a dead process\'s agents stay online, and stops on a timeout too short or not a number', () => {
    expect(load('database:\n  presence_timeout_s: 12\n').database.presence_timeout_s).toBe(12);
    expect(problemsOf(() => load('database:\n  presence_timeout_s: 1\n'))[0]).toMatch(/^database\.presence_timeout_s: /);
    expect(problemsOf(() => load('database:\n  presence_timeout_s: soon\n'))[0]).toMatch(/^database\.presence_timeout_s: /);
  });

  it('redacts the password and query values of a url before it is shown', () => {
    expect(redactDatabaseUrl('postgres://kefu:s3cret@db:5432/kefu?sslmode=require&password=x')).toBe(
      'postgres://kefu:***@db:5432/kefu?sslmode=***&password=***',
    );
    expect(redactDatabaseUrl('postgres://kefu@db/kefu')).toBe('postgres://kefu@db/kefu');
  });
});
