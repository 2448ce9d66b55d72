import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { intake } from '../../../server/intake/intake.js';
import { assignerOf } from '../../../server/modules/assignment/assigner.js';
import { createPortalSession } from '../../../server/modules/portal/sessions.js';
import { createPeerApp, createTestApp, type TestApp } from '../../helpers/app.js';
import { makeArticle } from '../kb/fixtures.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { assigneeOf, arrive, inbound, setDefault } from '../assignment/helpers.js';
import { PAGE, Visitor, widgetConfig } from '../channels/widget/helpers.js';
import { openAgentSocket } from '../realtime/ws-client.js';

const TIMEOUT_S = 3;

// Two apps on one PostgreSQL database and one data directory, as two `kefu serve` processes with
// one config file are: what one process knows of agents, limits and sessions, the other must too.
describe.skipIf(postgresUnavailable() !== null)('state shared by two processes on PostgreSQL', () => {
  const postgres = usePostgres();
  let a: TestApp;
  let b: TestApp;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    a = await createTestApp({
      database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4, presence_timeout_s: TIMEOUT_S },
      channels: { widget: [widgetConfig({ offline_when_no_agent: true, rate_limits: { ip_messages_per_minute: 2, visitor_messages_per_minute: 100 } })], email: [] },
    });
    b = await createPeerApp(a);
  }, 60_000);

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await b?.close();
    await a?.close();
  });

  async function connect(t: TestApp, cookie: string): Promise<WebSocket> {
    const { ws } = await openAgentSocket(t.app, { cookie });
    sockets.push(ws);
    return ws;
  }

  const widgetOnline = async (t: TestApp) =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: PAGE } })).json<{ online: boolean }>().online;
  const presenceOf = async (t: TestApp, agentId: number) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/agents', headers: t.admin.headers });
    return res.json<{ items: Array<{ id: number; presence: string }> }>().items.find((x) => x.id === agentId)?.presence;
  };

  it("counts an agent connected to A as online on B: B's widget offers chat and B's assignment picks the agent, until the socket closes", async () => {
    const agent = await a.signIn('agent');
    await setDefault(b, { mode: 'round_robin' });
    expect(await widgetOnline(b)).toBe(false);

    const ws = await connect(a, agent.cookie);
    await vi.waitFor(async () => expect(await widgetOnline(b)).toBe(true), { timeout: 10_000 });
    expect(await presenceOf(b, agent.agentId)).toBe('online');
    const ticketId = await arrive(b, inbound('widget'));
    expect(await assigneeOf(b, ticketId)).toBe(agent.agentId);

    // injectWS sockets end on terminate(): the server never sees the end of a clean close() handshake.
    ws.terminate();
    await vi.waitFor(async () => expect(await widgetOnline(b)).toBe(false), { timeout: 10_000 });
    expect(await presenceOf(b, agent.agentId)).toBe('offline');
    await setDefault(b, { mode: 'off' });
  });

  it('tells the sockets on B when an agent on A comes and goes', async () => {
    const watcher = await b.signIn('agent');
    const agent = await a.signIn('agent');
    const frames = await openAgentSocket(b.app, { cookie: watcher.cookie });
    const watching = frames.ws;
    sockets.push(watching);
    const ws = await connect(a, agent.cookie);
    await frames.next((f) => f.type === 'presence' && f.agentId === agent.agentId && f.presence === 'online');
    ws.terminate();
    await frames.next((f) => f.type === 'presence' && f.agentId === agent.agentId && f.presence === 'offline');
    watching.terminate();
    await vi.waitFor(async () => expect(await widgetOnline(a)).toBe(false), { timeout: 10_000 });
  });

  it('drops the agents of a process that died without a word once its rows are older than the timeout', async () => {
    const agent = await a.signIn('agent');
    // Another process's row, kept fresh while it lives (dated ahead here, so no check below races its refresh).
    const row = { agent_id: agent.agentId, process: 'killed-process', status: 'online' as const, seen_at: Date.now() + 3_600_000 };
    await a.ctx.db.insertInto('agent_presence').values(row).execute();
    await vi.waitFor(async () => expect(await presenceOf(b, agent.agentId)).toBe('online'), { timeout: 10_000 });
    expect(await widgetOnline(b)).toBe(true);
    // Killed: its last refresh stays the last, and nobody deletes the row.
    await a.ctx.db.updateTable('agent_presence').set({ seen_at: Date.now() }).where('process', '=', row.process).execute();
    await vi.waitFor(async () => expect(await presenceOf(b, agent.agentId)).toBe('offline'), { timeout: TIMEOUT_S * 4_000 });
    expect(await widgetOnline(b)).toBe(false);
    expect(await presenceOf(a, agent.agentId)).toBe('offline');
    expect(await a.ctx.db.selectFrom('agent_presence').select('process').where('process', '=', row.process).execute()).toHaveLength(1);
  });

  it("moves a dead process's agent's chats on the survivor once its presence times out", async () => {
    const agent = await a.signIn('agent');
    await setDefault(b, { mode: 'round_robin' });
    const row = { agent_id: agent.agentId, process: 'doomed-process', status: 'online' as const, seen_at: Date.now() + 3_600_000 };
    await a.ctx.db.insertInto('agent_presence').values(row).execute();
    await vi.waitFor(async () => expect(await presenceOf(b, agent.agentId)).toBe('online'), { timeout: 10_000 });
    const ticketId = await arrive(b, inbound('widget'));
    expect(await assigneeOf(b, ticketId)).toBe(agent.agentId);

    await a.ctx.db.updateTable('agent_presence').set({ seen_at: Date.now() }).where('process', '=', row.process).execute();
    await vi.waitFor(async () => expect(await presenceOf(b, agent.agentId)).toBe('offline'), { timeout: TIMEOUT_S * 4_000 });
    // The survivor hears of it at its next refresh; each sweep is dated past the away grace.
    await vi.waitFor(
      async () => {
        await assignerOf(b.ctx).sweep(Date.now() + 3_600_000);
        expect(await assigneeOf(b, ticketId)).toBeNull();
      },
      { timeout: 10_000, interval: 200 },
    );
    await setDefault(b, { mode: 'off' });
  });

  it("counts a widget visitor's messages over both processes, with the session from A accepted by B", async () => {
    const onA = new Visitor(a);
    await onA.start();
    const onB = new Visitor(b);
    onB.token = onA.token;
    const statuses = [await onA.send('one'), await onB.send('two'), await onA.send('three'), await onB.send('four')].map((r) => r.statusCode);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('counts portal sign-in requests per address over both processes', async () => {
    const ask = (t: TestApp, n: number) =>
      t.app.inject({
        method: 'POST',
        url: '/help/tickets/login',
        remoteAddress: '10.9.8.7',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=someone${n}%40example.org`,
      });
    const statuses: number[] = [];
    for (let n = 0; n < 10; n++) statuses.push((await ask(n % 2 === 0 ? a : b, n)).statusCode);
    expect(statuses).toEqual(Array(10).fill(200));
    expect((await ask(a, 10)).statusCode).toBe(429);
    expect((await ask(b, 11)).statusCode).toBe(429);
  });

  it("counts an address's help-center votes over both processes", async () => {
    const article = await makeArticle(a, { title: 'Shared votes', body: 'b', locale: 'en', status: 'published' });
    const vote = (t: TestApp, i: number) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/kb/articles/${article.id}/votes`,
        remoteAddress: '10.9.8.6',
        payload: { helpful: true },
        headers: { cookie: `kefu_hc=voter-${String(i).padStart(16, '0')}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await vote(i % 2 === 0 ? a : b, i)).statusCode);
    expect(statuses).toEqual(Array(30).fill(200));
    expect((await vote(b, 30)).statusCode).toBe(429);
  });

  it('accepts on B the agent and portal sessions begun on A', async () => {
    const agent = await a.signIn('agent');
    const me = await b.app.inject({ method: 'GET', url: '/api/v1/me', headers: agent.headers });
    expect(me.statusCode).toBe(200);
    expect(me.json<{ agent: { id: number } }>().agent.id).toBe(agent.agentId);

    const { ticketId } = await intake(a.ctx, inbound('email', 'portal-user'));
    const ticket = await a.ctx.db.selectFrom('tickets').select(['contact_id', 'subject']).where('id', '=', ticketId).executeTakeFirstOrThrow();
    const token = await createPortalSession(a.ctx.db, ticket.contact_id);
    const list = await b.app.inject({ method: 'GET', url: '/help/tickets', headers: { cookie: `kefu_portal=${token}` } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(ticket.subject);
    expect(list.body).not.toContain('action="/help/tickets/login"');
  });
});
