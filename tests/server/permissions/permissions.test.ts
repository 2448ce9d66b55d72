import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket, makeLabel, makeTeam } from '../tickets/fixtures.js';

type Page = { items: TicketView[]; nextCursor: string | null };

let t: TestApp;
let agent: Session;
let other: Session;
let supervisor: Session;
let teamId: number;
let otherTeamId: number;
/** Tickets named by whose scope they are in, from `agent`'s point of view. */
const tk: Record<'own' | 'unassigned' | 'team' | 'othersAssigned' | 'otherTeam', number> = {
  own: 0,
  unassigned: 0,
  team: 0,
  othersAssigned: 0,
  otherTeam: 0,
};

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  other = await t.signIn('agent');
  supervisor = await t.signIn('supervisor');
  teamId = await makeTeam(t, 'Mine', [agent.agentId]);
  otherTeamId = await makeTeam(t, 'Theirs', [other.agentId]);
  await makeLabel(t, 'x');
  const set = async (id: number, assignee: number | null, team: number | null) =>
    t.ctx.db.updateTable('tickets').set({ assignee_id: assignee, team_id: team }).where('id', '=', id).execute();
  for (const key of Object.keys(tk) as Array<keyof typeof tk>) tk[key] = (await inboundTicket(t, { subject: key })).ticketId;
  await set(tk.own, agent.agentId, otherTeamId);
  await set(tk.team, other.agentId, teamId);
  await set(tk.othersAssigned, other.agentId, null);
  await set(tk.otherTeam, other.agentId, otherTeamId);
});
afterAll(async () => t.close());

const hidden = (): number[] => [tk.othersAssigned, tk.otherTeam];
const visible = (): number[] => [tk.own, tk.unassigned, tk.team];

describe('ticket scope: an agent sees own, unassigned and team tickets; everything else is 404', () => {
  it('lists only tickets in scope, in every view', async () => {
    const api = as(t, agent);
    const all = await api.get<Page>('/tickets?view=all&status=all');
    expect(all.body.items.map((i) => i.id).sort()).toEqual(visible().sort());
    const byAssignee = await api.get<Page>(`/tickets?assignee=${other.agentId}&status=all`);
    expect(byAssignee.body.items.map((i) => i.id)).toEqual([tk.team]);
    const byTeam = await api.get<Page>(`/tickets?team=${otherTeamId}&status=all`);
    expect(byTeam.body.items.map((i) => i.id)).toEqual([tk.own]);
  });

  it('admins and supervisors see every ticket', async () => {
    for (const s of [t.admin, supervisor]) {
      const all = await as(t, s).get<Page>('/tickets?view=all&status=all');
      expect(all.body.items).toHaveLength(5);
    }
  });

  const routes: Array<[string, (id: number) => [method: 'get' | 'post' | 'patch', url: string, body?: unknown]]> = [
    ['GET /tickets/:id', (id) => ['get', `/tickets/${id}`]],
    ['GET /tickets/:id/messages', (id) => ['get', `/tickets/${id}/messages`]],
    ['POST /tickets/:id/messages (reply)', (id) => ['post', `/tickets/${id}/messages`, { kind: 'reply', text: 'hi' }]],
    ['POST /tickets/:id/messages (note)', (id) => ['post', `/tickets/${id}/messages`, { kind: 'note', text: 'hi' }]],
    ['PATCH /tickets/:id', (id) => ['patch', `/tickets/${id}`, { priority: 'high' }]],
    ['POST /tickets/:id/merge (source)', (id) => ['post', `/tickets/${id}/merge`, { intoTicketId: tk.unassigned }]],
    ['POST /tickets/:id/merge (target)', (id) => ['post', `/tickets/${tk.unassigned}/merge`, { intoTicketId: id }]],
  ];

  it.each(routes)('%s answers 404 for a ticket out of scope and changes nothing', async (_name, route) => {
    const api = as(t, agent);
    for (const id of hidden()) {
      const [method, url, body] = route(id);
      const res = method === 'get' ? await api.get(url) : method === 'post' ? await api.post(url, body) : await api.patch(url, body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const untouched = await t.ctx.db.selectFrom('tickets').select(['priority', 'message_count', 'status']).where('id', 'in', hidden()).execute();
    expect(untouched.every((r) => r.priority === 'normal' && r.message_count === 1 && r.status === 'open')).toBe(true);
  });

  it('reads and writes tickets in scope', async () => {
    const api = as(t, agent);
    for (const id of visible()) {
      expect((await api.get(`/tickets/${id}`)).status).toBe(200);
      expect((await api.get(`/tickets/${id}/messages`)).status).toBe(200);
      expect((await api.post(`/tickets/${id}/messages`, { kind: 'note', text: 'ok' })).status).toBe(201);
    }
    expect((await api.patch(`/tickets/${tk.unassigned}`, { labels: ['x'] })).status).toBe(200);
  });

  it('bulk updates skip tickets out of scope', async () => {
    const res = await as(t, agent).post<{ updated: number }>('/tickets/bulk', { ids: [...hidden(), tk.own], changes: { priority: 'low' } });
    expect(res.body.updated).toBe(1);
    const rows = await t.ctx.db.selectFrom('tickets').select('priority').where('id', 'in', hidden()).execute();
    expect(rows.map((r) => r.priority)).toEqual(['normal', 'normal']);
  });

  it('loses sight of a ticket once it is assigned to someone else outside the team', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, agent);
    expect((await api.patch(`/tickets/${ticketId}`, { assigneeId: other.agentId })).status).toBe(200);
    expect((await api.get(`/tickets/${ticketId}`)).status).toBe(404);
  });

  it('a contact page lists only the tickets in scope', async () => {
    const contact = await t.ctx.db.selectFrom('tickets').select('contact_id').where('id', '=', tk.othersAssigned).executeTakeFirstOrThrow();
    await inboundTicket(t, {
      sender: { identity: { kind: 'email', value: (await t.ctx.db.selectFrom('contact_identities').select('value').where('contact_id', '=', contact.contact_id).executeTakeFirstOrThrow()).value } },
    });
    const res = await as(t, agent).get<{ tickets: TicketView[] }>(`/contacts/${contact.contact_id}`);
    expect(res.status).toBe(200);
    expect(res.body.tickets.map((x) => x.id)).not.toContain(tk.othersAssigned);
    expect(res.body.tickets).toHaveLength(1);
  });

  it('renders a canned reply only for a ticket in scope', async () => {
    const canned = await as(t, t.admin).post<{ cannedReply: { id: number } }>('/canned-replies', { shortcut: 'hi', title: 'Hi', body: 'Hi {{contact.name}}' });
    const api = as(t, agent);
    expect((await api.post(`/canned-replies/${canned.body.cannedReply.id}/render`, { ticketId: tk.otherTeam })).status).toBe(404);
    expect((await api.post(`/canned-replies/${canned.body.cannedReply.id}/render`, { ticketId: tk.own })).status).toBe(200);
  });
});

describe('security.agents_see_all_tickets', () => {
  it('lets agents see and open every ticket', async () => {
    const open = await createTestApp({ security: { agents_see_all_tickets: true } });
    try {
      const a = await open.signIn('agent');
      const { ticketId } = await inboundTicket(open);
      await open.ctx.db.updateTable('tickets').set({ assignee_id: open.admin.agentId }).where('id', '=', ticketId).execute();
      expect((await as(open, a).get(`/tickets/${ticketId}`)).status).toBe(200);
      const list = await as(open, a).get<Page>('/tickets?view=all');
      expect(list.body.items.map((i) => i.id)).toContain(ticketId);
    } finally {
      await open.close();
    }
  });
});

describe('roles for settings', () => {
  const writes: Array<[string, 'post' | 'patch' | 'del', string, unknown]> = [
    ['create team', 'post', '/teams', { name: 'Nope' }],
    ['update team', 'patch', '/teams/ID', { name: 'Nope' }],
    ['delete team', 'del', '/teams/ID', undefined],
    ['create label', 'post', '/labels', { name: 'nope' }],
    ['update label', 'patch', '/labels/ID', { name: 'nope' }],
    ['delete label', 'del', '/labels/ID', undefined],
    ['create canned reply', 'post', '/canned-replies', { shortcut: 'nope', title: 'n', body: 'n' }],
    ['merge contacts', 'post', '/contacts/ID/merge', { intoContactId: 1 }],
    ['erase contact', 'del', '/contacts/ID', undefined],
  ];

  it.each(writes)('an agent may not %s (403)', async (_name, method, url, body) => {
    const api = as(t, agent);
    const target = url.replace('ID', String(teamId));
    const res = method === 'post' ? await api.post(target, body) : method === 'patch' ? await api.patch(target, body) : await api.del(target);
    expect(res.status).toBe(403);
  });

  it('a supervisor may manage teams and labels but not erase contacts', async () => {
    const api = as(t, supervisor);
    expect((await api.post('/labels', { name: 'sup' })).status).toBe(201);
    expect((await api.post('/teams', { name: 'Sup team' })).status).toBe(201);
    const { contactId } = await inboundTicket(t);
    expect((await api.del(`/contacts/${contactId}`)).status).toBe(403);
  });

  it('every agent may create and edit contacts', async () => {
    const api = as(t, agent);
    const created = await api.post<{ contact: { id: number } }>('/contacts', { name: 'Walk-in customer' });
    expect(created.status).toBe(201);
    expect((await api.patch(`/contacts/${created.body.contact.id}`, { notes: 'called twice' })).status).toBe(200);
  });

  it('every agent may read teams, labels, canned replies and contacts', async () => {
    const api = as(t, agent);
    for (const url of ['/teams', '/labels', '/canned-replies', '/contacts', '/tickets/counts']) {
      expect((await api.get(url)).status).toBe(200);
    }
  });
});

describe('signed out', () => {
  it.each([
    ['GET', '/api/v1/tickets'],
    ['GET', '/api/v1/tickets/counts'],
    ['GET', '/api/v1/tickets/1'],
    ['GET', '/api/v1/tickets/1/messages'],
    ['POST', '/api/v1/tickets'],
    ['POST', '/api/v1/tickets/1/messages'],
    ['PATCH', '/api/v1/tickets/1'],
    ['POST', '/api/v1/tickets/1/merge'],
    ['POST', '/api/v1/tickets/bulk'],
    ['GET', '/api/v1/contacts'],
    ['GET', '/api/v1/contacts/1'],
    ['POST', '/api/v1/contacts'],
    ['PATCH', '/api/v1/contacts/1'],
    ['POST', '/api/v1/contacts/1/merge'],
    ['DELETE', '/api/v1/contacts/1'],
    ['POST', '/api/v1/attachments'],
    ['GET', '/api/v1/attachments/1/a.txt'],
    ['GET', '/api/v1/teams'],
    ['POST', '/api/v1/teams'],
    ['GET', '/api/v1/labels'],
    ['GET', '/api/v1/canned-replies'],
    ['POST', '/api/v1/canned-replies/1/render'],
    ['GET', '/api/v1/audit'],
  ] as const)('%s %s answers 401', async (method, url) => {
    const res = await t.app.inject({ method, url, payload: method === 'GET' || method === 'DELETE' ? undefined : {} });
    expect(res.statusCode).toBe(401);
  });
});
