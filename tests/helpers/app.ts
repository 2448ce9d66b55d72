import { mkdtempSync, rmSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import type { Config } from '../../server/config/schema.js';
import { createContext, type AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import type { Role } from '../../server/modules/agents/tables.js';

export const TEST_PASSWORD = 'correct horse battery';

export function tempDir(prefix = 'kefu-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A signed-in agent: its id, cookie header and CSRF token, ready for app.inject. */
export interface Session {
  agentId: number;
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated write. */
  headers: Record<string, string>;
}

export interface TestApp {
  ctx: AppContext;
  app: App;
  config: Config;
  dataDir: string;
  admin: Session;
  /** Creates an agent with the given role and signs it in. */
  signIn(role: Role, email?: string): Promise<Session>;
  login(email: string, password?: string): Promise<Session>;
  close(): Promise<void>;
}

let seq = 0;
let databases = 0;

/** The driver the suite runs on: KEFU_TEST_DRIVER=postgres (see postgres-global-setup.ts) or SQLite. */
export const testDriver = (): 'sqlite' | 'postgres' => (process.env.KEFU_TEST_DRIVER === 'postgres' ? 'postgres' : 'sqlite');

/** On PostgreSQL, a fresh empty database on the run's cluster for each app; null keeps SQLite's default. */
async function testDatabaseConfig(): Promise<Record<string, unknown> | null> {
  if (testDriver() !== 'postgres') return null;
  const adminUrl = inject('postgresAdminUrl');
  if (!adminUrl) throw new Error('KEFU_TEST_DRIVER=postgres but no cluster was started (tests/helpers/postgres-global-setup.ts)');
  const name = `kefu_app_${process.pid}_${++databases}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { driver: 'postgres', url: url.toString(), pool_size: 4 };
}

/**
 * A full Kefu on a fresh SQLite file in a temp dir, with an admin signed in.
 * `overrides` are merged into the config as a YAML file would be.
 */
export async function createTestApp(overrides: Record<string, unknown> = {}): Promise<TestApp> {
  const dataDir = tempDir();
  // A test that names its database (one comparing the drivers) keeps it whatever the run's driver.
  const database = 'database' in overrides ? null : await testDatabaseConfig();
  const config = configFromObject({ ...overrides, ...(database ? { database } : {}), data_dir: dataDir, log: { level: 'silent' } });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot: null });
  await app.ready();

  async function login(email: string, password = TEST_PASSWORD): Promise<Session> {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login failed for ${email}: ${res.statusCode} ${res.body}`);
    const body = res.json<{ agent: { id: number }; csrfToken: string }>();
    const setCookie = res.cookies.find((c) => c.name === 'kefu_session');
    if (!setCookie) throw new Error('login set no session cookie');
    const cookie = `kefu_session=${setCookie.value}`;
    return {
      agentId: body.agent.id,
      email,
      cookie,
      csrf: body.csrfToken,
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    };
  }

  async function signIn(role: Role, email = `${role}${++seq}@example.test`): Promise<Session> {
    await createAgent(ctx, { email, name: `${role} ${seq}`, role, password: TEST_PASSWORD });
    return login(email);
  }

  const admin = await signIn('admin', 'admin@example.test');
  return {
    ctx,
    app,
    config,
    dataDir,
    admin,
    signIn,
    login,
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
