import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamView } from '../../../server/modules/teams/service.js';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from '../tickets/fixtures.js';

let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
});
afterAll(async () => t.close());

describe('teams', () => {
  it('creates, renames, changes members, lists and deletes a team, with audit lines', async () => {
    const api = as(t, t.admin);
    const created = await api.post<{ team: TeamView }>('/teams', { name: '售后 After-sales', memberIds: [agent.agentId] });
    expect(created.status).toBe(201);
    const id = created.body.team.id;
    expect(created.body.team).toMatchObject({ id, name: '售后 After-sales', memberIds: [agent.agentId] });
    const renamed = await api.patch<{ team: TeamView }>(`/teams/${id}`, { name: 'After-sales', memberIds: [agent.agentId, t.admin.agentId] });
    expect(renamed.body.team.memberIds.sort()).toEqual([agent.agentId, t.admin.agentId].sort());
    const list = await as(t, agent).get<{ items: TeamView[] }>('/teams');
    expect(list.body.items.map((x) => x.name)).toContain('After-sales');
    expect((await api.del(`/teams/${id}`)).status).toBe(204);
    expect((await api.del(`/teams/${id}`)).status).toBe(404);
    const audit = await t.ctx.db.selectFrom('audit_log').select('action').where('entity_kind', '=', 'team').where('entity_id', '=', id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['team.created', 'team.updated', 'team.deleted']);
  });

  it('refuses a duplicate name (409) and unknown members (400)', async () => {
    const api = as(t, t.admin);
    await api.post('/teams', { name: 'Billing' });
    expect((await api.post('/teams', { name: 'billing' })).status).toBe(409);
    const res = await api.post('/teams', { name: 'Ghosts', memberIds: [424242] });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.field).toBe('memberIds');
    expect((await api.patch('/teams/999999', { name: 'x' })).status).toBe(404);
  });

  it('keeps the tickets of a deleted team, now without a team', async () => {
    const api = as(t, t.admin);
    const team = await api.post<{ team: TeamView }>('/teams', { name: 'Temporary' });
    const { ticketId } = await inboundTicket(t);
    await api.patch(`/tickets/${ticketId}`, { teamId: team.body.team.id });
    await api.del(`/teams/${team.body.team.id}`);
    const ticket = await api.get<{ ticket: TicketView }>(`/tickets/${ticketId}`);
    expect(ticket.body.ticket.team).toBeNull();
  });
});
