import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { as, inboundTicket } from './fixtures.js';

interface Entry {
  id: number;
  actor: { kind: string; id: number | null };
  action: string;
  entity: { kind: string; id: number | null };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  at: string;
}

let t: TestApp;
let agent: Session;

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
});
afterAll(async () => t.close());

describe('GET /audit', () => {
  it('shows who changed what on a ticket, before and after, newest first, paged', async () => {
    const { ticketId } = await inboundTicket(t);
    const api = as(t, t.admin);
    await api.patch(`/tickets/${ticketId}`, { priority: 'high' });
    await api.patch(`/tickets/${ticketId}`, { status: 'pending' });
    const res = await api.get<{ items: Entry[]; nextCursor: string | null }>(`/audit?entityKind=ticket&entityId=${ticketId}&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((e) => [e.action, e.before, e.after])).toEqual([
      ['ticket.updated', { status: 'open' }, { status: 'pending' }],
      ['ticket.updated', { priority: 'normal' }, { priority: 'high' }],
    ]);
    expect(res.body.items[0]?.actor).toEqual({ kind: 'agent', id: t.admin.agentId });
    const older = await api.get<{ items: Entry[]; nextCursor: string | null }>(`/audit?entityKind=ticket&entityId=${ticketId}&limit=2&cursor=${res.body.nextCursor}`);
    expect(older.body.items.map((e) => [e.action, e.actor.kind])).toEqual([['ticket.created', 'contact']]);
    expect(older.body.nextCursor).toBeNull();
  });

  it('is for admins and supervisors only', async () => {
    expect((await as(t, agent).get('/audit')).status).toBe(403);
  });
});
