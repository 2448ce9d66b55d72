import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { PAGE, Visitor, widgetApp } from './helpers.js';

describe('widget availability and per-IP limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp({
      offline_when_no_agent: true,
      rate_limits: { visitor_messages_per_minute: 100, ip_messages_per_minute: 3, ip_sessions_per_minute: 100 },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const config = async () =>
    (await t.app.inject({ method: 'GET', url: '/api/v1/widget/website/config', headers: { origin: PAGE } })).json<{ online: boolean }>();

  it('is offline while no agent is online and online once one is', async () => {
    expect((await config()).online).toBe(false);
    t.ctx.presence.set(t.admin.agentId, 'online');
    expect((await config()).online).toBe(true);
    t.ctx.presence.set(t.admin.agentId, 'away');
    expect((await config()).online).toBe(false);
  });

  it('limits messages per IP across visitors', async () => {
    const a = new Visitor(t);
    const b = new Visitor(t);
    await a.start();
    await b.start();
    const statuses = [await a.send('ip 1'), await b.send('ip 2'), await a.send('ip 3'), await b.send('ip 4')].map((r) => r.statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await b.send('ip 5');
    expect(refused.headers['retry-after']).toBeDefined();
  });
});
