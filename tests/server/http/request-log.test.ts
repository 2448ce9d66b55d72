import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../server/app.js';
import { configFromObject } from '../../../server/config/load.js';
import { createContext, type AppContext } from '../../../server/context.js';
import { createLogger } from '../../../server/logger.js';
import { tempDir } from '../../helpers/app.js';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  method?: string;
  url?: string;
  status?: number;
  ms?: number;
  [key: string]: unknown;
}

const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const text of chunk.toString().split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Line);
    done();
  },
});

const dataDir = tempDir('kefu-request-log-');
let ctx: AppContext;
let app: App;

beforeAll(async () => {
  const config = configFromObject({ data_dir: dataDir });
  ctx = await createContext(config, createLogger('info', { pretty: false, destination: sink }));
  app = await buildApp(ctx, { webRoot: null });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The lines logged for one request, found by its id. */
async function logged(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; lines: Line[] }> {
  const reqId = `t-${Math.random().toString(36).slice(2)}`;
  const res = await app.inject({ method, url, headers: { 'x-request-id': reqId }, ...(payload ? { payload } : {}) });
  await new Promise((resolve) => setImmediate(resolve));
  return { status: res.statusCode, lines: lines.filter((l) => l.reqId === reqId) };
}

describe('request log', () => {
  it('writes one line per request with method, url, status, duration and request id', async () => {
    const { status, lines: mine } = await logged('POST', '/api/v1/auth/login', { email: 'nobody@example.test', password: 'wrong password' });
    expect(status).toBe(401);
    // Other events of the request (here the failed sign-in) are their own lines; the access log is one.
    const access = mine.filter((l) => /request/.test(l.msg));
    expect(access.map((l) => l.msg)).toEqual(['request']);
    const [line] = access;
    expect(line).toMatchObject({ level: 30, method: 'POST', url: '/api/v1/auth/login', status: 401 });
    expect(typeof line?.ms).toBe('number');
    expect(JSON.stringify(line)).not.toContain('wrong password');
  });

  it('keeps health checks and metrics scrapes out of the info log', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      const { status, lines: mine } = await logged('GET', url);
      expect({ url, status }).toEqual({ url, status: 200 });
      expect({ url, lines: mine }).toEqual({ url, lines: [] });
    }
  });

  it('treats a health URL with a query string as a health check too', async () => {
    expect((await logged('GET', '/healthz?probe=1')).lines).toEqual([]);
  });

  it('does not write secrets from the query string', async () => {
    const { lines: mine } = await logged('GET', '/api/v1/agents/me?token=abcdef123456&view=all');
    expect(mine.map((l) => l.msg)).toEqual(['request']);
    expect(mine[0]?.url).toBe('/api/v1/agents/me?token=[redacted]&view=all');
  });
});
