import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  await t.close();
});

async function mintToken(session: Session, name = 'integration'): Promise<{ id: number; secret: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: session.headers, payload: { name } });
  expect(res.statusCode).toBe(201);
  return { id: res.json().token.id, secret: res.json().secret };
}

const meWith = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

describe('password changes end other credentials', () => {
  it('revokes the agent’s API tokens and other sessions when they change their own password, keeping the current session', async () => {
    const { secret } = await mintToken(t.admin);
    const otherBrowser = await t.login('admin@example.test');
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: t.admin.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new secret' },
    });
    expect(res.statusCode).toBe(200);
    expect((await meWith({ cookie: t.admin.cookie })).statusCode).toBe(200);
    expect((await meWith({ cookie: otherBrowser.cookie })).statusCode).toBe(401);
    expect((await meWith(bearer(secret))).statusCode).toBe(401);
    // The kept session still writes with its CSRF token.
    const write = await t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: t.admin.headers, payload: { name: 'Still me' } });
    expect(write.statusCode).toBe(200);
  });

  it('revokes the agent’s API tokens and every session when an admin resets their password', async () => {
    const agent = await t.signIn('agent');
    const { secret } = await mintToken(agent);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/agents/${agent.agentId}`,
      headers: t.admin.headers,
      payload: { password: 'reset by the admin' },
    });
    expect(res.statusCode).toBe(200);
    expect((await meWith(bearer(secret))).statusCode).toBe(401);
    expect((await meWith({ cookie: agent.cookie })).statusCode).toBe(401);
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/agents/${agent.agentId}/tokens`, headers: t.admin.headers });
    expect(list.json().items[0].revokedAt).not.toBeNull();
  });

  it('a token cannot change the password (that needs a signed-in session)', async () => {
    const { secret } = await mintToken(t.admin);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: bearer(secret),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new secret' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('session_required');
  });
});

describe('token minting', () => {
  it('refuses to create a token with a bearer token: only a signed-in session can', async () => {
    const { secret } = await mintToken(t.admin);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: bearer(secret), payload: { name: 'child' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('session_required');
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: t.admin.headers });
    expect(list.json().items).toHaveLength(1);
  });
});

describe('deactivation', () => {
  it('revokes tokens and sessions for good: reactivating the agent does not bring them back', async () => {
    const agent = await t.signIn('agent');
    const { secret } = await mintToken(agent);
    const patch = (active: boolean) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1/agents/${agent.agentId}`, headers: t.admin.headers, payload: { active } });
    expect((await patch(false)).statusCode).toBe(200);
    expect((await patch(true)).statusCode).toBe(200);
    expect((await meWith(bearer(secret))).statusCode).toBe(401);
    expect((await meWith({ cookie: agent.cookie })).statusCode).toBe(401);
    await expect(t.login(agent.email)).resolves.toMatchObject({ agentId: agent.agentId });
  });
});

describe('admin token management', () => {
  it('lists every agent’s tokens for an admin, with the owner, and revokes another agent’s token', async () => {
    const agent = await t.signIn('agent');
    const { id, secret } = await mintToken(agent, 'crm');
    await mintToken(t.admin, 'mine');

    const all = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: t.admin.headers });
    expect(all.statusCode).toBe(200);
    expect(all.json().items.map((x: { name: string }) => x.name).sort()).toEqual(['crm', 'mine']);
    expect(all.body).not.toContain(secret);
    const crm = all.json().items.find((x: { name: string }) => x.name === 'crm');
    expect(crm.agent).toMatchObject({ id: agent.agentId, email: agent.email });

    const filtered = await t.app.inject({ method: 'GET', url: `/api/v1/tokens?agentId=${agent.agentId}`, headers: t.admin.headers });
    expect(filtered.json().items.map((x: { id: number }) => x.id)).toEqual([id]);
    const perAgent = await t.app.inject({ method: 'GET', url: `/api/v1/agents/${agent.agentId}/tokens`, headers: t.admin.headers });
    expect(perAgent.json().items.map((x: { id: number }) => x.id)).toEqual([id]);

    const revoke = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: t.admin.headers });
    expect(revoke.statusCode).toBe(204);
    expect((await meWith(bearer(secret))).statusCode).toBe(401);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: t.admin.headers });
    expect(again.statusCode).toBe(404);
  });

  it('keeps the admin token endpoints for admins only', async () => {
    const supervisor = await t.signIn('supervisor');
    const { id } = await mintToken(t.admin);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: supervisor.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: supervisor.headers })).statusCode).toBe(403);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/agents/${t.admin.agentId}/tokens`, headers: supervisor.headers })).statusCode,
    ).toBe(403);
  });
});
