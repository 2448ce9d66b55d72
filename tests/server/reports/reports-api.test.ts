import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../helpers/app.js';
import { as } from '../tickets/fixtures.js';
import { vi } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { at, buildDataset, clockAt, FROM, TO, type Dataset } from './dataset.js';

let d: Dataset;
beforeAll(async () => {
  d = await buildDataset();
}, 60_000);
afterAll(async () => d?.t.close());

type Json = Record<string, unknown> & { rows?: Array<Record<string, unknown>> };
const range = `from=${FROM}&to=${TO}`;
const get = async (url: string, who?: Session) => as(d.t, who ?? d.t.admin).get<Json>(url);

describe('GET /reports/overview on a week worked out by hand', () => {
  it('counts notes and auto-replies as no response and gives medians, p90s and averages in seconds', async () => {
    const res = await get(`/reports/overview?${range}&timezone=Asia/Shanghai`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      from: '2026-03-02T00:00:00.000Z',
      to: '2026-03-09T00:00:00.000Z',
      timezone: 'Asia/Shanghai',
      ticketsCreated: 5, // A B C D F
      ticketsResolved: 3, // A (latest resolution 13:00) B C
      ticketsReopened: 1, // A
      // A 600 (not the note at 2 min, not the auto-reply at 0), B 1800, C 3600
      firstResponseTime: { median: 1800, p90: 3600, average: 2000, count: 3 },
      // C: the customer wrote at 09:10, the answer came at 09:40
      nextResponseTime: { average: 1800, count: 1 },
      // A 4 h (created → last resolved), B 30 min, C 2 h
      resolutionTime: { median: 7200, p90: 14400, average: 7800, count: 3 },
      firstContactResolutionRate: 0.3333, // B: one reply, never reopened
      reopenRate: 0.3333, // A
      slaCompliance: [],
      csat: { average: 3.25, distribution: { '1': 1, '2': 0, '3': 1, '4': 1, '5': 1 }, responses: 4, offered: 10, responseRate: 0.4, satisfactionRate: 0.5 },
      chat: { chats: 1, missed: 1, waitTime: { median: null, count: 0 } },
    });
  });

  it('compares with the period of the same length just before', async () => {
    const res = await get(`/reports/overview?${range}`);
    expect(res.body.previous).toMatchObject({
      from: '2026-02-23T00:00:00.000Z',
      to: '2026-03-02T00:00:00.000Z',
      ticketsCreated: 1,
      ticketsResolved: 1,
      firstResponseTime: { median: 1200, p90: 1200, average: 1200, count: 1 },
      resolutionTime: { median: 1200, count: 1 },
      firstContactResolutionRate: 1,
      reopenRate: 0,
    });
  });

  it('narrows to a channel, a priority or an assignee', async () => {
    const chat = await get(`/reports/overview?${range}&channel=widget`);
    expect(chat.body).toMatchObject({ ticketsCreated: 1, ticketsResolved: 0, chat: { chats: 1, missed: 1 }, csat: { responses: 1, average: 1 } });
    const high = await get(`/reports/overview?${range}&priority=high`);
    expect(high.body).toMatchObject({ ticketsCreated: 1, firstContactResolutionRate: 1, firstResponseTime: { median: 1800 } });
    const wang = await get(`/reports/overview?${range}&agentId=${d.agent1.agentId}`);
    expect(wang.body).toMatchObject({ ticketsCreated: 2, ticketsResolved: 2, firstResponseTime: { median: 600, p90: 3600 } });
  });
});

describe('GET /reports/heatmap', () => {
  const cellsOf = async (tz: string) => {
    const res = await get(`/reports/heatmap?${range}&timezone=${encodeURIComponent(tz)}`);
    expect(res.status).toBe(200);
    const cells = res.body.cells as number[][];
    const lit: string[] = [];
    cells.forEach((row, day) => row.forEach((n, hour) => n && lit.push(`${day}:${hour}=${n}`)));
    return lit.sort();
  };

  it('puts each ticket in its hour of the week in the time zone asked for, Monday first', async () => {
    expect(await cellsOf('UTC')).toEqual(['0:9=1', '1:10=1', '2:8=1', '3:23=1', '6:7=1'].sort());
    // +8: D moves from Thursday night to Friday morning
    expect(await cellsOf('Asia/Shanghai')).toEqual(['0:17=1', '1:18=1', '2:16=1', '4:7=1', '6:15=1'].sort());
    // EST before 8 March, EDT from 07:00 UTC that Sunday: F is 03:30, not 02:30
    expect(await cellsOf('America/New_York')).toEqual(['0:4=1', '1:5=1', '2:3=1', '3:18=1', '6:3=1'].sort());
  });

  it('matches the tickets counted directly by weekday and hour (UTC)', async () => {
    // Counted here from the rows themselves, independently of the report's SQL.
    const rows = await d.t.ctx.db.selectFrom('tickets').select('created_at').where('created_at', '>=', Date.parse(FROM)).where('created_at', '<', Date.parse(TO)).execute();
    const byCell = new Map<string, { day: number; hour: number; n: number }>();
    for (const { created_at } of rows) {
      const when = new Date(created_at);
      const day = (when.getUTCDay() + 6) % 7;
      const hour = when.getUTCHours();
      const cell = byCell.get(`${day}:${hour}`) ?? { day, hour, n: 0 };
      cell.n++;
      byCell.set(`${day}:${hour}`, cell);
    }
    const direct = [...byCell.values()];
    expect(direct.length).toBeGreaterThan(0);
    const res = await get(`/reports/heatmap?${range}&timezone=UTC`);
    const cells = res.body.cells as number[][];
    for (const r of direct) expect(cells[r.day]?.[r.hour]).toBe(r.n);
    expect(res.body.total).toBe(direct.reduce((s, r) => s + r.n, 0));
  });
});

describe('GET /reports/volume', () => {
  it('counts tickets created and resolved per day of the zone’s calendar', async () => {
    const utc = (await get(`/reports/volume?${range}&timezone=UTC`)).body;
    expect(utc).toMatchObject({
      days: ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08'],
      created: [1, 1, 1, 1, 0, 0, 1],
      resolved: [1, 1, 1, 0, 0, 0, 0],
    });
    // in Shanghai the week starts at 08:00 on the 2nd and ends at 08:00 on the 9th; D falls on Friday the 6th
    const sh = (await get(`/reports/volume?${range}&timezone=Asia/Shanghai`)).body;
    expect(sh).toMatchObject({ created: [1, 1, 1, 0, 1, 0, 1, 0], resolved: [1, 1, 1, 0, 0, 0, 0, 0] });
    expect((sh.days as string[]).at(-1)).toBe('2026-03-09');
  });
});

describe('GET /reports/breakdown and /reports/agents', () => {
  const row = (body: Json, key: string | null) => body.rows?.find((r) => r.key === key);

  it('breaks the figures down by channel, assignee and priority', async () => {
    const channel = (await get(`/reports/breakdown?${range}&by=channel`)).body;
    expect(row(channel, 'support')).toMatchObject({ name: 'support', ticketsCreated: 4, ticketsResolved: 3, firstResponseTime: { median: 1800 } });
    expect(row(channel, 'site')).toMatchObject({ ticketsCreated: 1, ticketsResolved: 0, csatAverage: 1, csatResponses: 1 });

    const agent = (await get(`/reports/breakdown?${range}&by=agent`)).body;
    expect(row(agent, String(d.agent1.agentId))).toMatchObject({
      name: '王芳',
      ticketsCreated: 2,
      ticketsResolved: 2,
      firstResponseTime: { median: 600, p90: 3600, count: 2 },
      resolutionTime: { median: 7200, p90: 14400 },
      firstContactResolutionRate: 0,
      csatAverage: 4,
      csatResponses: 2,
    });
    expect(row(agent, null)).toMatchObject({ name: '', ticketsCreated: 2, ticketsResolved: 0 });

    const priority = (await get(`/reports/breakdown?${range}&by=priority`)).body;
    expect(row(priority, 'high')).toMatchObject({ ticketsCreated: 1, firstContactResolutionRate: 1 });
    expect(row(priority, 'normal')).toMatchObject({ ticketsCreated: 4, ticketsResolved: 2 });
  });

  it('credits first responses to who wrote them and resolutions to who resolved', async () => {
    const res = await get(`/reports/agents?${range}`);
    expect(res.status).toBe(200);
    const byId = (id: number) => res.body.rows?.find((r) => r.agentId === id);
    expect(byId(d.agent1.agentId)).toMatchObject({ assigned: 2, replied: 2, resolved: 2, firstResponseTime: { median: 600 }, csatAverage: 4, csatResponses: 2 });
    expect(byId(d.agent2.agentId)).toMatchObject({ name: 'Chen "CC" Li', assigned: 1, replied: 1, resolved: 1, firstResponseTime: { median: 1800 } });
    expect(byId(d.t.admin.agentId)).toMatchObject({ assigned: 0, replied: 0, resolved: 0, firstResponseTime: { median: null } });
  });
});

describe('who may read reports, and bad input', () => {
  it('answers an agent with 403 and a supervisor with the report', async () => {
    for (const url of ['overview', 'heatmap', 'volume', 'breakdown', 'agents']) {
      const res = await get(`/reports/${url}?${range}&by=team`, d.agent1);
      expect(res.status).toBe(403);
    }
    const supervisor = await d.t.signIn('supervisor');
    expect((await get(`/reports/overview?${range}`, supervisor)).status).toBe(200);
  });

  it.each([
    ['a reversed range', `from=${TO}&to=${FROM}`, 'to'],
    ['a range over 366 days', 'from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:00Z', 'to'],
    ['a date that is not one', `from=yesterday&to=${TO}`, 'from'],
    ['an unknown time zone', `${range}&timezone=Mars/Olympus`, 'timezone'],
    ['an unknown label', `${range}&label=nope`, 'label'],
    ['an unknown priority', `${range}&priority=meh`, 'priority'],
  ])('rejects %s with 400 naming the field', async (_what, query, field) => {
    const res = await get(`/reports/overview?${query}`);
    expect(res.status).toBe(400);
    expect((res.body as { error: { details?: { field?: string } } }).error.details?.field).toBe(field);
  });

  it('rejects an unknown breakdown with 400 naming "by"', async () => {
    const res = await get(`/reports/breakdown?${range}&by=weather`);
    expect(res.status).toBe(400);
    expect((res.body as { error: { details?: { field?: string } } }).error.details?.field).toBe('by');
  });
});

describe('a merged ticket', () => {
  it('is counted once, in the ticket it was merged into', async () => {
    const admin = as(d.t, d.t.admin);
    const open = async (when: string, key: string) => {
      clockAt(at(when));
      return (await intake(d.t.ctx, { channel: { kind: 'email', name: 'support' }, sender: { identity: { kind: 'email', value: 'twice@example.com' } }, subject: 'Same issue', text: key, idempotencyKey: key, receivedAt: at(when) })).ticketId;
    };
    const x = await open('2026-04-06T09:00:00Z', 'merge-x');
    const y = await open('2026-04-06T10:00:00Z', 'merge-y');
    clockAt(at('2026-04-06T09:05:00Z'));
    expect((await admin.post(`/tickets/${x}/messages`, { kind: 'reply', text: 'On it' })).status).toBe(201);
    clockAt(at('2026-04-06T10:20:00Z'));
    expect((await admin.post(`/tickets/${y}/messages`, { kind: 'reply', text: 'On it too' })).status).toBe(201);
    expect((await admin.post(`/tickets/${y}/merge`, { intoTicketId: x })).status).toBe(200);
    vi.useRealTimers();
    const res = await get('/reports/overview?from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z');
    expect(res.body).toMatchObject({ ticketsCreated: 1, ticketsResolved: 0, firstResponseTime: { median: 300, count: 1 } });
  });
});
