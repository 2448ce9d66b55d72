import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;

/**
 * Makes the app's database stop answering: its SQLite handle closed, or its PostgreSQL database
 * closed to new connections and its sessions ended.
 */
async function silenceDatabase(app: TestApp): Promise<void> {
  const database = app.ctx.database;
  if (database.driver === 'sqlite') {
    database.sqlite.close();
    return;
  }
  const name = new URL(database.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') ?? '' });
  await admin.connect();
  try {
    await admin.query(`alter database ${name} allow_connections false`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
  } finally {
    await admin.end();
  }
}
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('health', () => {
  it('answers /healthz with ok', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with the database and disk checks', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    // PostgreSQL's check also says how busy its pool is.
    expect(res.json()).toMatchObject({
      status: 'ok',
      checks: { database: { status: 'ok', critical: true }, disk: { status: 'ok', critical: false } },
    });
    expect(Object.keys(res.json().checks)).toEqual(['database', 'disk']);
  });

  it('reports a failing non-critical check as degraded, still 200', async () => {
    t.ctx.health.register('email:support', () => ({ ok: false, message: 'IMAP login failed' }), { critical: false });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'degraded',
        checks: { 'email:support': { status: 'fail', critical: false, message: 'IMAP login failed' } },
      });
    } finally {
      t.ctx.health.unregister('email:support');
    }
  });

  it('answers /readyz with 503 JSON when the database does not answer', async () => {
    const other = await createTestApp();
    try {
      await silenceDatabase(other);
      const res = await other.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      const body = res.json();
      expect(body.status).toBe('unavailable');
      expect(body.checks.database.status).toBe('fail');
      expect(body.error.code).toBe('not_ready');
    } finally {
      await other.close();
    }
  });
});

describe('metrics', () => {
  it('serves Prometheus text with request latency by route template', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/kefu_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/);
    expect(res.body).toMatch(/kefu_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/me",status="401"\} 1/);
    expect(res.body).toContain('nodejs_eventloop_lag_seconds');
    expect(res.body).toContain('process_resident_memory_bytes');
  });

  it('labels unknown URLs as unmatched instead of one series per path', async () => {
    await t.app.inject({ method: 'GET', url: '/no/such/path/12345' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toContain('route="unmatched",status="404"');
    expect(res.body).not.toContain('12345');
  });

  it('exposes the open websockets gauge for the realtime hubs to set', async () => {
    t.ctx.metrics.websocketsOpen.inc({ hub: 'agent' });
    t.ctx.metrics.websocketsOpen.inc({ hub: 'agent' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.body).toMatch(/kefu_websockets_open\{hub="agent"\} 2/);
    t.ctx.metrics.websocketsOpen.reset();
  });
});

describe('OpenAPI', () => {
  it('documents the routes from their schemas at /api/docs/json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v1/auth/login']).toHaveProperty('post');
    expect(doc.paths['/readyz']).toHaveProperty('get');
    expect(doc.paths).not.toHaveProperty('/metrics');
  });

  it('serves the browsable UI at /api/docs', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('swagger');
  });
});
