import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeerApp, createTestApp, TEST_PASSWORD, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';

// Two apps on one PostgreSQL database: two `kefu serve` processes behind one load balancer.
describe.skipIf(postgresUnavailable() !== null)('sign-in across processes on PostgreSQL', () => {
  const postgres = usePostgres();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({
      database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 },
      security: { login_attempts_per_15min: 4 },
    });
    b = await createPeerApp(a);
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const attempt = (t: TestApp, email: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

  it('counts the failed sign-ins made through either process against one limit', async () => {
    await a.signIn('agent', 'guessed@example.test');
    // Two wrong guesses on each: each process alone would still allow more.
    for (const t of [a, b, a, b]) expect((await attempt(t, 'guessed@example.test', 'wrong')).statusCode).toBe(401);
    for (const t of [a, b]) {
      const refused = await attempt(t, 'guessed@example.test', TEST_PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('knows a session begun on one process on the other, and its end', async () => {
    const session = await a.signIn('agent', 'moving@example.test');
    const me = await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });
    expect(me.statusCode).toBe(200);
    const out = await b.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.headers });
    expect(out.statusCode).toBe(204);
    expect((await a.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } })).statusCode).toBe(401);
  });
});
