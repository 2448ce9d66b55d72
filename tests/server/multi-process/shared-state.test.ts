import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { createPortalSession } from '../../../server/modules/portal/sessions.js';
import { createPeerApp, createTestApp, type TestApp } from '../../helpers/app.js';
import { postgresUnavailable, usePostgres } from '../../helpers/postgres.js';
import { inbound } from '../assignment/helpers.js';
import { Visitor, widgetConfig } from '../channels/widget/helpers.js';

// Two apps on one PostgreSQL database and one data directory, as two `kefu serve` processes with
// one config file are: what one process knows of agents, limits and sessions, the other must too.
describe.skipIf(postgresUnavailable() !== null)('state shared by two processes on PostgreSQL', () => {
  const postgres = usePostgres();
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({
      database: { driver: 'postgres', url: await postgres.freshDatabase(), pool_size: 4 },
      channels: { widget: [widgetConfig({ rate_limits: { ip_messages_per_minute: 2, visitor_messages_per_minute: 100 } })], email: [] },
    });
    b = await createPeerApp(a);
  }, 60_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
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
