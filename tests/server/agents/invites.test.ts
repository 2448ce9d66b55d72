import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface Issued {
  invite: { id: number; email: string; role: string; teamId: number | null; expired: boolean };
  link: string;
  mailed: boolean;
}

const tokenOf = (link: string): string => new URL(link).searchParams.get('token') ?? '';

async function invite(email: string, extra: Record<string, unknown> = {}): Promise<Issued> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/agents/invites', headers: t.admin.headers, payload: { email, role: 'agent', ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Issued>();
}

const accept = (token: string, password = 'a new password 1') =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/invite/accept', payload: { token, name: 'Ines Invited', password } });

const audit = async (action: string) =>
  t.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).execute();

describe('agent invitations', () => {
  it('invites with a role and team; the link signs the new agent in once and puts them in the team', async () => {
    const team = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: t.admin.headers, payload: { name: 'Billing' } });
    const teamId = team.json<{ team: { id: number } }>().team.id;
    const issued = await invite('Ines@Example.test', { role: 'supervisor', teamId });
    expect(issued.link.startsWith(`${t.config.server.public_url}/invite?token=`)).toBe(true);
    expect(issued.mailed).toBe(false);
    expect(issued.invite).toMatchObject({ email: 'ines@example.test', role: 'supervisor', teamId, expired: false });

    const stored = await t.ctx.db.selectFrom('agent_invites').selectAll().where('id', '=', issued.invite.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(tokenOf(issued.link));

    const lookup = await t.app.inject({ method: 'POST', url: '/api/v1/auth/invite', payload: { token: tokenOf(issued.link) } });
    expect(lookup.json()).toEqual({ email: 'ines@example.test', role: 'supervisor' });

    const res = await accept(tokenOf(issued.link));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().agent).toMatchObject({ email: 'ines@example.test', name: 'Ines Invited', role: 'supervisor' });
    const cookie = res.cookies.find((c) => c.name === 'kefu_session');
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `kefu_session=${cookie?.value}` } });
    expect(me.json().agent.email).toBe('ines@example.test');
    const member = await t.ctx.db.selectFrom('team_members').selectAll().where('team_id', '=', teamId).execute();
    expect(member.map((m) => m.agent_id)).toEqual([res.json().agent.id]);

    const again = await accept(tokenOf(issued.link));
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('invalid_invite');

    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents/invites', headers: t.admin.headers });
    expect(list.json().items.map((i: { id: number }) => i.id)).not.toContain(issued.invite.id);
    expect(await audit('agent_invite.created')).toHaveLength(1);
    expect((await audit('agent_invite.accepted'))[0]?.entity_id).toBe(res.json().agent.id);
  });

  it('refuses a link past its 7 days, and a short password without using the link up', async () => {
    const issued = await invite('late@example.test');
    const short = await accept(tokenOf(issued.link), 'short');
    expect(short.statusCode).toBe(400);
    await t.ctx.db.updateTable('agent_invites').set({ expires_at: Date.now() - 1 }).where('id', '=', issued.invite.id).execute();
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents/invites', headers: t.admin.headers });
    expect(list.json().items.find((i: { id: number }) => i.id === issued.invite.id)?.expired).toBe(true);
    const res = await accept(tokenOf(issued.link));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_invite');

    // Sending it again gives a new week and a new link; the old one stays dead.
    const resent = await t.app.inject({ method: 'POST', url: `/api/v1/agents/invites/${issued.invite.id}/resend`, headers: t.admin.headers });
    expect(resent.statusCode).toBe(200);
    const fresh = resent.json<Issued>();
    expect(fresh.invite.expired).toBe(false);
    expect(tokenOf(fresh.link)).not.toBe(tokenOf(issued.link));
    expect((await accept(tokenOf(issued.link))).statusCode).toBe(400);
    expect((await accept(tokenOf(fresh.link))).statusCode).toBe(200);
    expect(await audit('agent_invite.resent')).toHaveLength(1);
  });

  it('a copied link replaces the earlier one; a revoked invitation cannot be accepted', async () => {
    const issued = await invite('copy@example.test');
    const copied = await t.app.inject({ method: 'POST', url: `/api/v1/agents/invites/${issued.invite.id}/link`, headers: t.admin.headers });
    expect(copied.json<Issued>().mailed).toBe(false);
    expect((await accept(tokenOf(issued.link))).statusCode).toBe(400);

    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/agents/invites/${issued.invite.id}`, headers: t.admin.headers });
    expect(del.statusCode).toBe(204);
    expect((await accept(tokenOf(copied.json<Issued>().link))).statusCode).toBe(400);
    expect(await audit('agent_invite.revoked')).toHaveLength(1);
  });

  it('refuses a second open invitation or an existing agent, and anyone but an admin', async () => {
    await invite('twice@example.test');
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/agents/invites', headers: t.admin.headers, payload: { email: 'TWICE@example.test', role: 'agent' } });
    expect(dup.json().error.code).toBe('invite_exists');
    const existing = await t.app.inject({ method: 'POST', url: '/api/v1/agents/invites', headers: t.admin.headers, payload: { email: 'admin@example.test', role: 'agent' } });
    expect(existing.json().error.code).toBe('agent_exists');
    const sup = await t.signIn('supervisor');
    const denied = await t.app.inject({ method: 'POST', url: '/api/v1/agents/invites', headers: sup.headers, payload: { email: 'x@example.test', role: 'agent' } });
    expect(denied.statusCode).toBe(403);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/agents/invites', headers: sup.headers });
    expect(list.statusCode).toBe(403);
  });

  it('documents the invitation routes in the OpenAPI spec', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const paths = Object.keys(spec.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/agents/invites', '/api/v1/auth/invite/accept', '/api/v1/auth/password/forgot', '/api/v1/auth/password/reset']));
  });
});
