import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionWatch, isConnectionLost, type WatchLog } from '../../../server/db/connection-lost.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { as } from '../tickets/fixtures.js';

describe.skipIf(postgresUnavailable() !== null)('a PostgreSQL server lost while serving', () => {
  // Its own cluster: this file stops and starts it, which the suite's shared one must not see.
  const postgres = usePostgres();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 } });
  });
  afterAll(async () => t?.close());

  it('answers 503 database_unavailable with Retry-After, reports /readyz down, and serves again once the server is back', async () => {
    const api = as(t, t.admin);
    const saved = await api.post<{ label: { id: number; name: string } }>('/labels', { name: 'before-outage' });
    expect(saved.status).toBe(201);

    await postgres.cluster().halt();
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/labels', headers: t.admin.headers });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toEqual({ error: { code: 'database_unavailable', message: expect.stringContaining('database cannot be reached') } });
    const write = await api.post('/labels', { name: 'during-outage' });
    expect(write.status).toBe(503);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json<{ checks: { database: { status: string; message: string } } }>().checks.database).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('reconnecting'),
    });
    expect(t.ctx.database.driver === 'postgres' && t.ctx.database.connection.down).toBeTruthy();

    await postgres.cluster().resume();
    // The watch's probe finds the server again by itself; no request has to succeed first.
    if (t.ctx.database.driver === 'postgres') await t.ctx.database.connection.settled();
    expect(t.ctx.database.driver === 'postgres' && t.ctx.database.connection.down).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    const labels = await api.get<{ items: Array<{ name: string }> }>('/labels');
    expect(labels.status).toBe(200);
    // The write acknowledged before the outage is there; the refused one is not.
    expect(labels.body.items.map((l) => l.name)).toEqual(['before-outage']);
    expect((await api.post('/labels', { name: 'after-outage' })).status).toBe(201);
  });
});

describe('the connection watch', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('tells connection errors from queries the server refused', () => {
    expect(isConnectionLost(refused)).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isConnectionLost(Object.assign(new Error('duplicate key value'), { code: '23505' }))).toBe(false);
    expect(isConnectionLost(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
  });

  it('does not take another server refusing a connection for the database going away', () => {
    const elsewhere = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9443'), { code: 'ECONNREFUSED', port: 9443 });
    expect(isConnectionLost(elsewhere, 5432)).toBe(false);
    expect(isConnectionLost(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', port: 5432 }), 5432)).toBe(true);
    // A channel's API call: fetch keeps the socket error in its cause.
    expect(isConnectionLost(new TypeError('fetch failed', { cause: refused }), 5432)).toBe(false);
  });

  it('logs once when the database goes and once when it is back, probing with growing waits meanwhile', async () => {
    const logged: string[] = [];
    const logger: WatchLog = { warn: (_o, msg) => logged.push(`warn: ${msg}`), info: (_o, msg) => logged.push(`info: ${msg}`) };
    const probes: number[] = [];
    let failuresLeft = 4;
    const watch = new ConnectionWatch(
      async () => {
        probes.push(Date.now());
        if (failuresLeft-- > 0) throw refused;
      },
      logger,
      { firstDelayMs: 5, maxDelayMs: 20 },
    );
    watch.failed(new Error('a query the server refused'));
    expect(watch.down).toBeNull();
    for (let i = 0; i < 10; i++) watch.failed(refused);
    expect(watch.down).not.toBeNull();
    await watch.settled();
    expect(watch.down).toBeNull();
    expect(probes).toHaveLength(5);
    expect(logged).toEqual(['warn: database connection lost; requests get 503 until it is back', 'info: database connection is back']);
    // Waits double (5, 10, 20) and stop at the cap (20, 20): each gap is at least the one planned.
    const gaps = probes.slice(1).map((p, i) => p - probes[i]!);
    [10, 20, 20, 20].forEach((planned, i) => expect(gaps[i]).toBeGreaterThanOrEqual(planned - 1));
    await watch.close();
  });
});
