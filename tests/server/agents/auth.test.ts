import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../../server/modules/agents/first-run.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp({ security: { login_attempts_per_15min: 3 } });
});
afterEach(async () => {
  await t.close();
});

describe('sign-in', () => {
  it('signs in with the right password and sets an HttpOnly SameSite cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ADMIN@example.test', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'kefu_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(res.json().agent).toMatchObject({ email: 'admin@example.test', role: 'admin' });
    expect(res.json().agent).not.toHaveProperty('passwordHash');
  });

  it('refuses a wrong password with 401 and the shared error shape', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@example.test', password: 'nope-nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
  });

  it('answers 429 with Retry-After after too many failed attempts, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@example.test', password: 'wrong-password' },
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'admin@example.test', password: TEST_PASSWORD },
    });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts parallel attempts before checking them, so a burst cannot get past the limit', async () => {
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.test', password } });
    // Wrong guesses and then the right password, all in flight at once.
    const burst = await Promise.all([...Array.from({ length: 20 }, (_, i) => attempt(`wrong-${i}`)), attempt(TEST_PASSWORD)]);
    const codes = burst.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBe(3);
    expect(codes.filter((c) => c === 429).length).toBe(18);
    expect(codes.at(-1)).toBe(429);
  });

  it('does not count a successful sign-in against its address', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'admin@example.test', password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(200);
    }
  });

  it('rejects malformed JSON, missing fields and unknown routes with JSON errors', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_json');

    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x@y.z' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error).toMatchObject({ code: 'validation', details: { field: 'password' } });

    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });
});

describe('sessions', () => {
  it('answers /me for a session and 401 without one', async () => {
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: t.admin.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().agent.id).toBe(t.admin.agentId);
    expect(me.json().csrfToken).toBe(t.admin.csrf);

    const anon = await t.app.inject({ method: 'GET', url: '/api/v1/me' });
    expect(anon.statusCode).toBe(401);
    expect(anon.json().error.code).toBe('unauthorized');
  });

  it('refuses a cookie-authenticated write without the CSRF token', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: { cookie: t.admin.cookie },
      payload: { name: 'Mallory' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('csrf');
    const ok = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: t.admin.headers, payload: { name: 'Ada' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().agent.name).toBe('Ada');
  });

  it('logs out: the old cookie no longer works', async () => {
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: t.admin.headers });
    expect(out.statusCode).toBe(204);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: t.admin.cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('changing the password needs the current one and ends other sessions', async () => {
    const other = await t.login('admin@example.test');
    const wrong = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: t.admin.headers,
      payload: { currentPassword: 'not-it-at-all', newPassword: 'a brand new secret' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('wrong_password');
    const right = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: t.admin.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new secret' },
    });
    expect(right.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: other.cookie } })).statusCode).toBe(401);
    await expect(t.login('admin@example.test', 'a brand new secret')).resolves.toMatchObject({ email: 'admin@example.test' });
  });

  it('rejects unknown fields in a body instead of ignoring them', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: t.admin.headers, payload: { nmae: 'typo' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('nmae');
  });
});

describe('API tokens', () => {
  it('creates a token shown once, authenticates with it without CSRF, and revokes it', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: t.admin.headers, payload: { name: 'CRM sync' } });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^kf_/);
    expect(secret.startsWith(token.prefix)).toBe(true);

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: { cookie: t.admin.cookie } });
    expect(list.body).not.toContain(secret);
    expect(list.json().items).toHaveLength(1);

    const bearer = { authorization: `Bearer ${secret}` };
    const write = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: bearer, payload: { language: 'zh-CN' } });
    expect(write.statusCode).toBe(200);
    expect(write.json().agent.language).toBe('zh-CN');

    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${token.id}`, headers: t.admin.headers });
    expect(revoke.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
  });

  it('does not let one agent revoke another agent’s token', async () => {
    const other = await t.signIn('agent');
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: t.admin.headers, payload: { name: 'x' } });
    const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${created.json().token.id}`, headers: other.headers });
    expect(res.statusCode).toBe(404);
  });
});

describe('roles', () => {
  it('lets only admins create agents (403 for others) and keeps the last admin', async () => {
    const agent = await t.signIn('agent');
    const forbidden = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: agent.headers,
      payload: { email: 'new@example.test', name: 'New', role: 'agent' },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('forbidden');

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: t.admin.headers,
      payload: { email: 'new@example.test', name: 'New', role: 'supervisor', password: 'long enough' },
    });
    expect(created.statusCode).toBe(201);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agents',
      headers: t.admin.headers,
      payload: { email: 'NEW@example.test', name: 'Again', role: 'agent', password: 'long enough' },
    });
    expect(dup.statusCode).toBe(409);

    const demote = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/agents/${t.admin.agentId}`,
      headers: t.admin.headers,
      payload: { role: 'agent' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_admin');
  });

  it('refuses to create an agent without a first password, naming the field, and stores nobody', async () => {
    for (const payload of [
      { email: 'nopass@example.test', name: 'No Pass', role: 'agent' },
      { email: 'nopass@example.test', name: 'No Pass', role: 'agent', password: '' },
      { email: 'nopass@example.test', name: 'No Pass', role: 'agent', password: 'short' },
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/agents', headers: t.admin.headers, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.details).toEqual({ field: 'password' });
      expect(res.json().error.message).toMatch(/password/i);
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents', headers: t.admin.headers });
    expect(list.json().items.map((a: { email: string }) => a.email)).not.toContain('nopass@example.test');
  });

  it('signs a deactivated agent out everywhere', async () => {
    const agent = await t.signIn('agent');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/agents/${agent.agentId}`,
      headers: t.admin.headers,
      payload: { active: false },
    });
    expect(res.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: agent.cookie } })).statusCode).toBe(401);
    await expect(t.login(agent.email)).rejects.toThrow(/401/);
  });
});

describe('first run', () => {
  it('offers a one-time setup link when there is no admin, and the link creates one', async () => {
    await t.ctx.db.deleteFrom('agents').execute();
    const { setupUrl } = await ensureFirstAdmin(t.ctx);
    expect(setupUrl).toMatch(/\/setup\?token=/);
    const token = new URL(setupUrl as string).searchParams.get('token');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({ needsSetup: true });

    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token: 'forged', email: 'owner@example.test', name: 'Owner', password: 'long enough' },
    });
    expect(bad.statusCode).toBe(400);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email: 'owner@example.test', name: 'Owner', password: 'long enough' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().agent.role).toBe('admin');
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/setup',
      payload: { token, email: 'second@example.test', name: 'Second', password: 'long enough' },
    });
    expect(again.statusCode).toBe(409);
  });
});
