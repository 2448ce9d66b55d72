import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import type { KefuEvent } from '../../../server/realtime/events.js';
import { agentHubOf, openAgentSockets } from '../../../server/realtime/agent-routes.js';
import type { MessageView, TicketView } from '../../../server/modules/tickets/schemas.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';
import { openAgentSocket, type Frame, type FrameLog } from './ws-client.js';

// injectWS sockets end on terminate(): the server never sees the end of a clean close() handshake.
let t: TestApp;
let teamA: number;
let teamB: number;
let agentA: Session; // member of team A
let agentB: Session; // member of team B
let contactId: number;
const sockets: WebSocket[] = [];

async function connect(session: Session | null, query = ''): Promise<FrameLog> {
  const log = await openAgentSocket(t.app, session ? { cookie: session.cookie } : {}, query);
  sockets.push(log.ws);
  return log;
}

async function insertTicket(assigneeId: number | null, teamId: number | null): Promise<number> {
  const now = Date.now();
  const number = 1000 + Math.floor(Math.random() * 1e6);
  const row = await t.ctx.db
    .insertInto('tickets')
    .values({
      number,
      subject: 'Where is my order?',
      status: 'open',
      priority: 'normal',
      channel_kind: 'email',
      channel_name: 'support',
      contact_id: contactId,
      assignee_id: assigneeId,
      team_id: teamId,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
      snoozed_until: null,
      thread_key: null,
      first_response_at: null,
      resolved_at: null,
      merged_into_id: null,
      last_message_preview: null,
      last_message_kind: null,
      last_message_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function messageEvent(ticketId: number, assigneeId: number | null, teamId: number | null, text: string): KefuEvent {
  const message: MessageView = {
    id: Math.floor(Math.random() * 1e9),
    ticketId,
    kind: 'inbound',
    channel: { kind: 'email', name: 'support' },
    author: { kind: 'contact', id: contactId, name: 'Li Lei' },
    text,
    html: null,
    attachments: [],
    delivery: null,
    mentions: [],
    meta: {},
    createdAt: new Date().toISOString(),
  };
  const ticket = { id: ticketId } as TicketView;
  return { type: 'message.created', ticketId, assigneeId, teamId, message, ticket, mentions: [], actor: { kind: 'contact', id: contactId } };
}

function reassigned(ticketId: number, to: { assigneeId: number | null; teamId: number | null }, from: { assigneeId: number | null; teamId: number | null }): KefuEvent {
  const ticket = { id: ticketId } as TicketView;
  return { type: 'ticket.updated', ticketId, ...to, ticket, changes: ['team'], previous: from, actor: { kind: 'system' } };
}

const eventText = (f: Frame): string | undefined => (f.event as { message?: { text: string } } | undefined)?.message?.text;

beforeAll(async () => {
  t = await createTestApp();
  agentA = await t.signIn('agent');
  agentB = await t.signIn('agent');
  const now = Date.now();
  teamA = (await t.ctx.db.insertInto('teams').values({ name: 'Orders', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
  teamB = (await t.ctx.db.insertInto('teams').values({ name: '售后', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
  await t.ctx.db.insertInto('team_members').values([{ team_id: teamA, agent_id: agentA.agentId }, { team_id: teamB, agent_id: agentB.agentId }]).execute();
  contactId = (await t.ctx.db.insertInto('contacts').values({ name: 'Li Lei', email: 'lilei@example.com', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await t.close();
});

describe('agent websocket', () => {
  it('refuses a connection without a session or token', async () => {
    await expect(t.app.injectWS('/api/v1/ws')).rejects.toThrow(/401/);
  });

  it('refuses a session cookie sent from another site', async () => {
    await expect(
      t.app.injectWS('/api/v1/ws', { headers: { cookie: agentA.cookie, origin: 'https://evil.example' } }),
    ).rejects.toThrow(/403/);
  });

  it('accepts an API token in the query string', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: agentA.headers, payload: { name: 'ws' } });
    expect(res.statusCode).toBe(201);
    const { secret } = res.json<{ secret: string }>();
    const log = await connect(null, `?token=${encodeURIComponent(secret)}`);
    expect(log.frames[0]).toMatchObject({ type: 'hello', agentId: agentA.agentId });
    log.ws.terminate();
  });

  it('delivers a ticket event only to agents who may see the ticket', async () => {
    const admin = await connect(t.admin);
    const a = await connect(agentA);
    const b = await connect(agentB);
    const ticketOfA = await insertTicket(null, teamA);
    const assignedToA = await insertTicket(agentA.agentId, teamA);
    t.ctx.bus.emit(messageEvent(ticketOfA, null, teamA, 'team A, unassigned'));
    t.ctx.bus.emit(messageEvent(assignedToA, agentA.agentId, teamA, 'assigned to A'));
    t.ctx.bus.emit(messageEvent(ticketOfA, agentA.agentId, null, 'A without team'));

    await a.next((f) => eventText(f) === 'A without team');
    await admin.next((f) => eventText(f) === 'A without team');
    await b.settle();
    expect(a.events().map(eventText)).toEqual(['team A, unassigned', 'assigned to A', 'A without team']);
    expect(admin.events().map(eventText)).toEqual(['team A, unassigned', 'assigned to A', 'A without team']);
    // Unassigned tickets are everyone's; the others belong to team A or agent A.
    expect(b.events().map(eventText)).toEqual(['team A, unassigned']);
    expect(new Set(a.events().map((f) => f.cursor)).size).toBe(3);
    for (const log of [admin, a, b]) log.ws.terminate();
  });

  it('tells an agent that a ticket left their scope', async () => {
    const b = await connect(agentB);
    const ticket = await insertTicket(agentB.agentId, teamB);
    t.ctx.bus.emit(reassigned(ticket, { assigneeId: agentA.agentId, teamId: teamA }, { assigneeId: agentB.agentId, teamId: teamB }));
    const frame = await b.next((f) => f.type === 'event');
    expect(frame.event).toMatchObject({ type: 'ticket.updated', ticketId: ticket });
    b.ws.terminate();
  });

  it('replays missed events in order after a reconnect, scoped and without duplicates', async () => {
    const first = await connect(agentB);
    const cursor = first.frames[0]!.cursor as number;
    first.ws.terminate();

    const mine = await insertTicket(agentB.agentId, teamB);
    const other = await insertTicket(agentA.agentId, teamA);
    for (const [id, who, team, text] of [
      [mine, agentB.agentId, teamB, 'missed 1'],
      [other, agentA.agentId, teamA, 'not mine'],
      [mine, agentB.agentId, teamB, 'missed 2'],
    ] as const) {
      t.ctx.bus.emit(messageEvent(id, who, team, text));
    }

    const again = await connect(agentB);
    expect(again.frames[0]!.cursor).toBe(cursor + 3);
    again.send({ type: 'resume', cursor });
    const resumed = await again.next((f) => f.type === 'resumed');
    expect(again.events().map(eventText)).toEqual(['missed 1', 'missed 2']);
    expect(resumed.cursor).toBe(cursor + 3);

    t.ctx.bus.emit(messageEvent(mine, agentB.agentId, teamB, 'live after resume'));
    await again.next((f) => eventText(f) === 'live after resume');
    expect(again.events().map(eventText)).toEqual(['missed 1', 'missed 2', 'live after resume']);
    again.ws.terminate();
  });

  it('asks for a reload when the missed events were pruned', async () => {
    const log = await connect(agentB);
    const cursor = log.frames[0]!.cursor as number;
    const ticket = await insertTicket(agentB.agentId, teamB);
    t.ctx.bus.emit(messageEvent(ticket, agentB.agentId, teamB, 'soon pruned'));
    t.ctx.bus.emit(messageEvent(ticket, agentB.agentId, teamB, 'also pruned'));
    await log.next((f) => eventText(f) === 'also pruned');
    await agentHubOf(t.ctx)!.journal.prune(Date.now() + 48 * 3600_000);
    log.send({ type: 'resume', cursor });
    const reset = await log.next((f) => f.type === 'reset');
    expect(reset.cursor).toBe(cursor + 2);
    log.ws.terminate();
  });

  it('broadcasts presence: online on connect, away on request, offline when the last socket closes', async () => {
    const admin = await connect(t.admin);
    const presenceOfA = (p: string) => (f: Frame) => f.type === 'presence' && f.agentId === agentA.agentId && f.presence === p;
    const a1 = await connect(agentA);
    await admin.next(presenceOfA('online'));
    const a2 = await connect(agentA);
    a1.send({ type: 'presence', presence: 'away' });
    await a1.settle();
    // Another tab is still active, so the agent stays online.
    expect(t.ctx.presence.get(agentA.agentId)).toBe('online');
    a2.send({ type: 'presence', presence: 'away' });
    await admin.next(presenceOfA('away'));
    expect(t.ctx.presence.get(agentA.agentId)).toBe('away');
    a1.ws.terminate();
    a2.ws.terminate();
    await admin.next(presenceOfA('offline'));
    expect(t.ctx.presence.get(agentA.agentId)).toBe('offline');
    admin.ws.terminate();
  });

  it('shows who else views and replies to a ticket, and hides it from agents out of scope', async () => {
    const ticket = await insertTicket(null, teamA);
    const admin = await connect(t.admin);
    const a = await connect(agentA);
    const b = await connect(agentB);
    const viewersOf = (n: number, replying = false) => (f: Frame) =>
      f.type === 'viewers' &&
      f.ticketId === ticket &&
      (f.agents as unknown[]).length === n &&
      (f.agents as Array<{ replying: boolean }>).some((v) => v.replying) === replying;

    a.send({ type: 'view', ticketId: ticket });
    await a.next(viewersOf(1));
    admin.send({ type: 'view', ticketId: ticket });
    const both = await a.next(viewersOf(2));
    expect((both.agents as Array<{ id: number }>).map((v) => v.id).sort()).toEqual([t.admin.agentId, agentA.agentId].sort());

    admin.send({ type: 'typing', ticketId: ticket, composing: 'reply' });
    const typing = await a.next((f) => f.type === 'typing' && f.composing === 'reply');
    expect(typing).toMatchObject({ ticketId: ticket, agentId: t.admin.agentId });
    const replying = await a.next(viewersOf(2, true));
    expect((replying.agents as Array<{ id: number; replying: boolean }>).find((v) => v.replying)?.id).toBe(t.admin.agentId);

    admin.ws.terminate();
    await a.next((f) => f.type === 'typing' && f.composing === null && f.agentId === t.admin.agentId);
    // Unassigned team-A ticket: agent B may see it too (unassigned tickets are everyone's).
    await b.next(viewersOf(1));

    const hidden = await insertTicket(agentA.agentId, teamA);
    b.send({ type: 'view', ticketId: hidden });
    await b.next((f) => f.type === 'error' && f.code === 'not_found');
    a.send({ type: 'view', ticketId: hidden });
    await a.next((f) => f.type === 'viewers' && f.ticketId === hidden);
    await b.settle();
    expect(b.frames.some((f) => f.ticketId === hidden && f.type === 'viewers')).toBe(false);
    a.ws.terminate();
    b.ws.terminate();
  });

  it('opens a ticket over the socket: the detail GET /tickets/:id returns, then the viewers', async () => {
    const ticket = await insertTicket(null, teamA);
    for (const text of ['first note', 'second note']) {
      const res = await t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticket}/messages`, headers: agentA.headers, payload: { kind: 'note', text } });
      expect(res.statusCode).toBe(201);
    }
    const a = await connect(agentA);
    a.send({ type: 'open', ticketId: ticket });
    const answer = await a.next((f) => f.type === 'ticket' && f.ticketId === ticket);
    const http = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticket}`, headers: { cookie: agentA.cookie } });
    expect(http.statusCode).toBe(200);
    const detail = answer.detail as { ticket: TicketView; messages: MessageView[] };
    expect(detail.messages.map((m) => m.text)).toEqual(['first note', 'second note']);
    // Read after the open, which marked the ticket read: the two answers are the same.
    expect(detail).toEqual(http.json());
    const viewers = await a.next((f) => f.type === 'viewers' && f.ticketId === ticket);
    expect(a.frames.indexOf(viewers)).toBeGreaterThan(a.frames.indexOf(answer));

    // Out of scope and missing tickets are one answer, naming the ticket asked for; nothing is viewed.
    const b = await connect(agentB);
    const hidden = await insertTicket(agentA.agentId, teamA);
    for (const id of [hidden, 987654]) {
      b.send({ type: 'open', ticketId: id });
      const err = await b.next((f) => f.type === 'error' && f.ticketId === id);
      expect(err.code).toBe('not_found');
    }
    await b.settle();
    expect(b.frames.some((f) => f.type === 'ticket' || (f.type === 'viewers' && f.ticketId === hidden))).toBe(false);
    a.ws.terminate();
    b.ws.terminate();
  });

  it('answers a malformed frame with an error', async () => {
    const log = await connect(agentA);
    log.ws.send('{"type":"view","ticketId":"x"}');
    await log.next((f) => f.type === 'error' && f.code === 'bad_frame');
    log.ws.send('not json');
    await log.next(() => log.frames.filter((x) => x.type === 'error').length === 2);
    log.ws.terminate();
  });

  it('counts open agent sockets for the metrics', async () => {
    const first = await connect(agentA);
    await vi.waitFor(() => expect(openAgentSockets(t.ctx)).toBe(1));
    const second = await connect(agentB);
    expect(openAgentSockets(t.ctx)).toBe(2);
    second.ws.terminate();
    await vi.waitFor(() => expect(openAgentSockets(t.ctx)).toBe(1));
    first.ws.terminate();
  });
});
