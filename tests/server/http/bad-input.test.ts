import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ server: { body_limit_mb: 0.01 } });
});
afterAll(async () => {
  await t.close();
});

const errorShape = { error: { code: expect.any(String), message: expect.any(String) } };

describe('bad input', () => {
  it('answers a malformed JSON body with 400 invalid_json', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "admin@example.test", "password": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(errorShape);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('answers an oversized body with 413 payload_too_large', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: 'admin@example.test', password: 'x'.repeat(50_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject(errorShape);
    expect(res.json().error.code).toBe('payload_too_large');
  });

  it('answers an unknown API route with 404 JSON', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/does-not-exist' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.json()).toMatchObject(errorShape);
    expect(res.json().error.code).toBe('not_found');
  });

  it('answers an unknown method on a known path with 404 JSON', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/healthz' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject(errorShape);
  });

  it('still signs in after the bad requests: nothing stored was harmed', async () => {
    const session = await t.login('admin@example.test');
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: session.cookie } });
    expect(res.statusCode).toBe(200);
  });
});
