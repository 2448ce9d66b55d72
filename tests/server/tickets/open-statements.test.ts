import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { compiledDuring, queriesDuring } from '../../helpers/compiled-queries.js';
import { FrameLog } from '../realtime/ws-client.js';
import { as, inboundTicket, makeLabel, makeTeam } from './fixtures.js';

type Detail = { ticket: TicketView; messages: Array<{ id: number }>; events: unknown[] };

let t: TestApp;
let agent: Session;
let teamId: number;
let labelId: number;
const tickets: number[] = [];

beforeAll(async () => {
  t = await createTestApp();
  agent = await t.signIn('agent');
  teamId = await makeTeam(t, 'Billing', [agent.agentId]);
  labelId = await makeLabel(t, 'refund');
  for (let i = 0; i < 4; i++) {
    const { ticketId } = await inboundTicket(t, { subject: `s${i}` });
    await as(t, t.admin).patch(`/tickets/${ticketId}`, { assigneeId: agent.agentId, teamId, labels: ['refund'], priority: 'high' });
    await as(t, agent).post(`/tickets/${ticketId}/messages`, { kind: 'note', text: `note ${i}` });
    tickets.push(ticketId);
  }
});
afterAll(async () => t.close());

describe('opening a ticket', () => {
  it('builds no query anew once a ticket has been opened: ticket, timeline, contact, read mark', async () => {
    const [first, second, third] = tickets as [number, number, number];
    // The first open compiles what it needs, and marks the ticket read.
    const opened = await as(t, agent).get<Detail>(`/tickets/${first}`);
    expect(opened.status).toBe(200);
    expect(opened.body.messages.length).toBeGreaterThan(0);
    expect(opened.body.events.length).toBeGreaterThan(0);
    await as(t, agent).get(`/tickets/${first}/messages?limit=1`);
    await as(t, agent).get(`/tickets/${first}/messages?limit=1&cursor=${encodeURIComponent(Buffer.from(JSON.stringify([0])).toString('base64url'))}`);

    const compiled = await compiledDuring(t.ctx.db, async () => {
      const detail = await as(t, agent).get<Detail>(`/tickets/${second}`);
      expect(detail.status).toBe(200);
      expect(detail.body.ticket.labels).toEqual(['refund']);
      expect(detail.body.ticket.unread).toBe(false);
      const page = await as(t, agent).get<{ items: unknown[] }>(`/tickets/${third}/messages?limit=1`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBe(1);
    });
    expect(compiled, 'queries compiled for a second ticket and its messages').toBe(0);
  });

  // On PostgreSQL each statement is a round trip: the session with its agent; the ticket with its
  // read mark, team membership, names, rating, contact and timeline changes; the messages with
  // their attachments.
  it('runs three statements to open a ticket already read, session included', async () => {
    const id = tickets[2] as number;
    await as(t, agent).get(`/tickets/${id}`);
    const run = await queriesDuring(t.ctx.db, async () => {
      const detail = await as(t, agent).get<Detail>(`/tickets/${id}`);
      expect(detail.status).toBe(200);
      expect(detail.body.ticket.unread).toBe(false);
    });
    expect(run.map((q) => q.sql.slice(0, 60))).toHaveLength(3);
  });

  it('over the agent socket too, with the widget told the ticket was read', async () => {
    const [first, , , fourth] = tickets as [number, number, number, number];
    let log: FrameLog | undefined;
    const ws = await t.app.injectWS('/api/v1/ws', { headers: { cookie: agent.cookie } }, { onInit: (socket) => (log = new FrameLog(socket)) });
    if (!log) throw new Error('injectWS did not call onInit');
    const frames = log;
    await frames.next((f) => f.type === 'hello');
    const open = async (ticketId: number) => {
      frames.send({ type: 'open', ticketId });
      await frames.next((f) => f.type === 'ticket' && f.ticketId === ticketId);
      await frames.settle();
    };
    await open(first);
    const compiled = await compiledDuring(t.ctx.db, () => open(fourth));
    expect(compiled, 'queries compiled to open a second ticket over the socket').toBe(0);
    ws.terminate();
  });

  // Nothing on these paths is cached: a statement compiled once still reads today's names and teams.
  it('shows a renamed label, a renamed team and a changed membership on the next open and list', async () => {
    const id = tickets[1] as number;
    await as(t, t.admin).patch(`/tickets/${id}`, { assigneeId: null });
    expect((await as(t, agent).get<Detail>(`/tickets/${id}`)).body.ticket.labels).toEqual(['refund']);
    expect((await as(t, t.admin).patch(`/labels/${labelId}`, { name: '退款' })).status).toBe(200);
    expect((await as(t, t.admin).patch(`/teams/${teamId}`, { name: '账单' })).status).toBe(200);
    const opened = (await as(t, agent).get<Detail>(`/tickets/${id}`)).body.ticket;
    expect([opened.labels, opened.team?.name]).toEqual([['退款'], '账单']);
    const listed = (await as(t, agent).get<{ items: TicketView[] }>('/tickets?view=team&limit=50')).body.items.find((i) => i.id === id);
    expect([listed?.labels, listed?.team?.name]).toEqual([['退款'], '账单']);

    // Out of the team, the agent no longer sees its tickets assigned to someone else.
    await as(t, t.admin).patch(`/tickets/${id}`, { assigneeId: t.admin.agentId });
    expect((await as(t, agent).get(`/tickets/${id}`)).status).toBe(200);
    expect((await as(t, t.admin).patch(`/teams/${teamId}`, { memberIds: [] })).status).toBe(200);
    expect((await as(t, agent).get(`/tickets/${id}`)).status).toBe(404);
    const all = (await as(t, agent).get<{ items: TicketView[] }>('/tickets?view=all&limit=50')).body.items;
    expect(all.some((i) => i.id === id)).toBe(false);
  });
});
