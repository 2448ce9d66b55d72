import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { assignerOf } from '../../../server/modules/assignment/assigner.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { assigneeOf, inbound, setPresence } from './helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('assignment settings on the teams API', () => {
  it('PATCH /teams/:id sets the mode and settings, and a ticket moved into the team is assigned', async () => {
    const member = await t.signIn('agent');
    const outsider = await t.signIn('agent');
    setPresence(t, member.agentId, 'online');
    setPresence(t, outsider.agentId, 'online');
    const team = (await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: t.admin.headers, payload: { name: 'Sales', memberIds: [member.agentId] } })).json<{ team: { id: number } }>().team;
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/teams/${team.id}`,
      headers: t.admin.headers,
      payload: { assignment: { mode: 'least_loaded', capacity: { chat: 3 }, stickyDays: 2 } },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ team: { assignment: Record<string, unknown> } }>().team.assignment).toMatchObject({
      mode: 'least_loaded',
      capacity: { chat: 3, email: 30 },
      stickyDays: 2,
      pickupSeconds: 60,
      awayGraceSeconds: 120,
      skillsFallbackSeconds: 60,
    });

    const { ticketId } = await intake(t.ctx, inbound('widget'));
    await assignerOf(t.ctx).idle();
    expect(await assigneeOf(t, ticketId)).toBeNull(); // default scope is off
    await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers, payload: { teamId: team.id } });
    await assignerOf(t.ctx).idle();
    expect(await assigneeOf(t, ticketId)).toBe(member.agentId);
  });

  it('rejects an unknown mode and an unknown setting naming the field', async () => {
    const team = (await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: t.admin.headers, payload: { name: 'Ops' } })).json<{ team: { id: number } }>().team;
    for (const assignment of [{ mode: 'random' }, { capacty: 3 }]) {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/teams/${team.id}`, headers: t.admin.headers, payload: { assignment } });
      expect(res.statusCode).toBe(400);
    }
  });

  it('shows every agent with status and load to admins, and documents the API', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/assignment/agents', headers: t.admin.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ items: Array<{ presence: string }> }>().items.some((a) => a.presence === 'online')).toBe(true);
    const agent = await t.signIn('agent');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/assignment/agents', headers: agent.headers })).statusCode).toBe(403);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    const body = docs.body;
    expect(body).toContain('/api/v1/assignment/default');
    expect(body).toContain('awayGraceSeconds');
  });
});
