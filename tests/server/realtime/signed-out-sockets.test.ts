import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { createTestApp, TEST_PASSWORD, type Session, type TestApp } from '../../helpers/app.js';
import { sha256 } from '../../../server/crypto.js';
import { FrameLog } from './ws-client.js';

let t: TestApp;
const sockets: WebSocket[] = [];
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await t.close();
});

async function connect(headers: Record<string, string>): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  let log: FrameLog | undefined;
  let closed: Promise<number> = Promise.resolve(0);
  const ws = await t.app.injectWS('/api/v1/ws', { headers }, {
    onInit: (socket) => {
      log = new FrameLog(socket);
      closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
    },
  });
  sockets.push(ws);
  await log!.next((f) => f.type === 'hello');
  return { ws, closed };
}

async function tokenOf(session: Session): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: session.headers, payload: { name: 'ws' } });
  return res.json().secret as string;
}

describe('open agent websockets of revoked credentials', () => {
  it('closes every socket of a deactivated agent, session or token', async () => {
    const agent = await t.signIn('agent');
    const bySession = await connect({ cookie: agent.cookie });
    const byToken = await connect({ authorization: `Bearer ${await tokenOf(agent)}` });
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/agents/${agent.agentId}`, headers: t.admin.headers, payload: { active: false } });
    expect(res.statusCode).toBe(200);
    expect(await bySession.closed).toBe(4401);
    expect(await byToken.closed).toBe(4401);
  });

  it('on a password change, closes the other sessions’ sockets and keeps the one that changed it', async () => {
    const agent = await t.signIn('agent');
    const other = await t.login(agent.email);
    const mine = await connect({ cookie: agent.cookie });
    const theirs = await connect({ cookie: other.cookie });
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: agent.headers,
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'another long secret' },
    });
    expect(res.statusCode).toBe(200);
    expect(await theirs.closed).toBe(4401);
    // The kept socket still answers: a ping gets its pong.
    const log = new FrameLog(mine.ws);
    log.send({ type: 'ping' });
    await log.next((f) => f.type === 'pong');
    expect(mine.ws.readyState).toBe(mine.ws.OPEN);
  });

  it('on a forgot-password reset, closes every socket the agent had, session or token', async () => {
    const agent = await t.signIn('agent');
    const bySession = await connect({ cookie: agent.cookie });
    const byToken = await connect({ authorization: `Bearer ${await tokenOf(agent)}` });
    // The link as the reset mail would carry it (this app has no mailbox to send one).
    const token = 'reset-link-token-for-the-socket-test';
    const at = Date.now();
    await t.ctx.db
      .insertInto('password_resets')
      .values({ token_hash: sha256(token), agent_id: agent.agentId, created_at: at, expires_at: at + 60_000, used_at: null })
      .execute();
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password/reset', payload: { token, password: 'a brand new password' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await bySession.closed).toBe(4401);
    expect(await byToken.closed).toBe(4401);
  });
});
