import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_PASSWORD, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    // Queued only: no sender runs here, so the mails stay in the outbox for the test to read.
    channels: { email: [{ name: 'desk', address: 'desk@example.com', smtp: { host: '127.0.0.1', port: 1, security: 'none' } }] },
  });
});
afterAll(async () => {
  await t.close();
});

const forgot = (email: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password/forgot', payload: { email }, remoteAddress: ip });
const reset = (token: string, password = 'brand new password') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', payload: { token, password } });

async function mailsTo(email: string): Promise<string[]> {
  const rows = await t.ctx.db.selectFrom('outbox').select('payload').where('kind', '=', 'email').orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.payload) as { to: string; text: string }).filter((p) => p.to === email).map((p) => p.text);
}
const tokenIn = (text: string | undefined): string => /reset-password\?token=([\w-]+)/.exec(text ?? '')?.[1] ?? '';

describe('forgot password', () => {
  it('answers the same for a known, an unknown and a deactivated address, and mails only the active agent', async () => {
    await t.signIn('agent', 'known@example.test');
    const gone = await t.signIn('agent', 'gone@example.test');
    await t.app.inject({ method: 'PATCH', url: `/api/v1/agents/${gone.agentId}`, headers: t.admin.headers, payload: { active: false } });
    const answers = await Promise.all(['known@example.test', 'nobody@example.test', 'gone@example.test'].map((e, i) => forgot(e, `10.0.1.${i}`)));
    for (const a of answers) {
      expect(a.statusCode).toBe(202);
      expect(a.body).toBe(answers[0]?.body);
    }
    expect(await mailsTo('known@example.test')).toHaveLength(1);
    expect(await mailsTo('nobody@example.test')).toHaveLength(0);
    expect(await mailsTo('gone@example.test')).toHaveLength(0);
  });

  it('limits requests per address and per IP, whether or not the address exists', async () => {
    for (const email of ['limited@example.test', 'nobody-limited@example.test']) {
      for (let i = 0; i < 3; i++) expect((await forgot(email, `10.0.2.${i}`)).statusCode).toBe(202);
      const fourth = await forgot(email, '10.0.2.9');
      expect(fourth.statusCode).toBe(429);
      expect(fourth.headers['retry-after']).toBeDefined();
    }
    for (let i = 0; i < 10; i++) expect((await forgot(`someone${i}@example.test`, '10.0.3.1')).statusCode).toBe(202);
    expect((await forgot('someone-else@example.test', '10.0.3.1')).statusCode).toBe(429);
  });

  it('a link works once, within the hour, and only the newest one works', async () => {
    await t.signIn('agent', 'once@example.test');
    await forgot('once@example.test', '10.0.4.1');
    await forgot('once@example.test', '10.0.4.2');
    const [older, newer] = (await mailsTo('once@example.test')).map(tokenIn);
    expect(older).not.toBe(newer);
    expect((await reset(older ?? '')).json().error.code).toBe('invalid_reset_token');
    const ok = await reset(newer ?? '');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().agent.email).toBe('once@example.test');
    expect((await reset(newer ?? '')).statusCode).toBe(400);
    await t.login('once@example.test', 'brand new password');

    await forgot('once@example.test', '10.0.4.3');
    const late = tokenIn((await mailsTo('once@example.test'))[2]);
    await t.ctx.db.updateTable('password_resets').set({ expires_at: Date.now() - 1 }).execute();
    expect((await reset(late)).statusCode).toBe(400);
    expect((await reset('made-up-token')).statusCode).toBe(400);
  });

  it('rejects a short password without using the link up', async () => {
    await t.signIn('agent', 'short@example.test');
    await forgot('short@example.test', '10.0.5.1');
    const token = tokenIn((await mailsTo('short@example.test'))[0]);
    expect((await reset(token, 'short')).statusCode).toBe(400);
    expect((await reset(token)).statusCode).toBe(200);
  });

  it('ends every old session and revokes every API token, keeps the new session, and audits it', async () => {
    const old = await t.signIn('agent', 'leaked@example.test');
    const made = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: old.headers, payload: { name: 'script' } });
    const secret = made.json<{ secret: string }>().secret;
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(200);

    await forgot('leaked@example.test', '10.0.6.1');
    const res = await reset(tokenIn((await mailsTo('leaked@example.test'))[0]));
    expect(res.statusCode).toBe(200);

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: old.cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer })).statusCode).toBe(401);
    const fresh = res.cookies.find((c) => c.name === 'kefu_session');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `kefu_session=${fresh?.value}` } })).statusCode).toBe(200);
    await expect(t.login('leaked@example.test', TEST_PASSWORD)).rejects.toThrow(/401/);

    const entries = await t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', 'agent.password_reset').where('entity_id', '=', old.agentId).execute();
    expect(JSON.parse(entries[0]?.after ?? '{}')).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
  });
});
