import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import type { InboundMessage } from '../../../server/intake/types.js';
import type { SearchResult } from '../../../server/search/schemas.js';
import type { TicketStatus } from '../../../server/modules/tickets/tables.js';
import { createTestApp, type Session, type TestApp } from '../../helpers/app.js';

/**
 * Ranking and grouping over a seeded database: 560 tickets mention 发票 (invoice), most of them
 * with it more often and in shorter messages than the one the agent needs: the newest open
 * ticket assigned to them, whose matching message is older than the newest few hundred matches.
 */
const DAY = 86_400_000;
const NOISE = 560;
let t: TestApp;
let me: Session;
let other: Session;
let teamId: number;
let seq = 0;
let target: number;
let twoHits: number;
const noise: number[] = [];

function inbound(subject: string, text: string, channel: 'email' | 'wechat' = 'email'): InboundMessage {
  const n = ++seq;
  return {
    channel: channel === 'email' ? { kind: 'email', name: 'support' } : { kind: 'wechat', name: 'wechat' },
    sender: { identity: { kind: channel, value: channel === 'email' ? `c${n}@example.cn` : `openid-${n}` }, name: `客户${n}`, email: channel === 'email' ? `c${n}@example.cn` : undefined },
    subject,
    text,
    idempotencyKey: `rank-${n}`,
  };
}

async function search(params: Record<string, string>, session: Session = me): Promise<SearchResult> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/search?${new URLSearchParams(params)}`, headers: { cookie: session.cookie } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<SearchResult>();
}

const setTicket = (id: number, status: TicketStatus, assignee: number | null, lastActivity: number, team: number | null = null) =>
  t.ctx.db.updateTable('tickets').set({ status, assignee_id: assignee, last_activity_at: lastActivity, team_id: team }).where('id', '=', id).execute();

beforeAll(async () => {
  t = await createTestApp();
  me = await t.signIn('agent');
  other = await t.signIn('agent');
  teamId = (await t.ctx.db.insertInto('teams').values({ name: '财务', created_at: Date.now(), updated_at: Date.now() }).returning('id').executeTakeFirstOrThrow()).id;
  const now = Date.now();

  // The needle first, so its message is the oldest match; one mention inside a long message.
  const long = `您好，上个月我们公司在贵店采购了一批办公用品，${'物品清单和数量都已经核对过了，'.repeat(12)}但是还没有收到发票，麻烦尽快处理。`;
  target = (await intake(t.ctx, inbound('报销问题', long))).ticketId;
  twoHits = (await intake(t.ctx, inbound('开票', '请帮我开发票'))).ticketId;
  await intake(t.ctx, { ...inbound('x', '抬头写错了，发票要重开'), thread: { ticketId: twoHits } });
  for (let i = 0; i < NOISE; i++) {
    const r = await intake(t.ctx, inbound(i % 3 === 0 ? '发票 发票' : '咨询', '发票发票，发票！', i % 4 === 0 ? 'wechat' : 'email'));
    noise.push(r.ticketId);
  }

  await setTicket(target, 'open', me.agentId, now);
  for (const [i, id] of noise.entries()) {
    // Everything else: other people's open tickets an hour old, my resolved and closed ones,
    // my open ones from weeks ago, unassigned pending ones.
    const kind = i % 5;
    if (kind === 0) await setTicket(id, 'open', other.agentId, now - 3_600_000 - i * 1000);
    else if (kind === 1) await setTicket(id, i % 2 ? 'resolved' : 'closed', me.agentId, now - 3_600_000 - i * 1000);
    else if (kind === 2) await setTicket(id, 'open', me.agentId, now - 30 * DAY - i * 1000, teamId);
    else if (kind === 3) await setTicket(id, 'pending', null, now - 2 * DAY - i * 1000, teamId);
    else await setTicket(id, 'open', null, now - 7 * DAY - i * 1000);
  }
});

afterAll(async () => {
  await t.close();
});

describe('search ranking', () => {
  it.each(['发票', '票'])('puts the newest open ticket assigned to me first for %j among hundreds of matches', async (q) => {
    const r = await search({ q, limit: '20' });
    expect(r.messages[0]?.ticketId).toBe(target);
    expect(r.hits[0]!.ticket.id).toBe(target);
    expect(r.hits[0]!.snippet).toContain('<mark>');
  });

  it('ranks open tickets above resolved ones of the same age, and recent above old', async () => {
    const r = await search({ q: '发票', limit: '50' });
    const statusOf = new Map(r.hits.map((h) => [h.ticket.id, h.ticket.status]));
    const firstResolved = r.hits.findIndex((h) => h.ticket.status === 'resolved' || h.ticket.status === 'closed');
    const lastOpenRecent = r.hits.findLastIndex((h) => h.ticket.status === 'open' && Date.now() - Date.parse(h.ticket.lastActivityAt) < DAY);
    expect(statusOf.size).toBe(r.hits.length);
    expect(firstResolved === -1 || lastOpenRecent < firstResolved).toBe(true);
  });
});

describe('search hits grouped per ticket', () => {
  it('gives one hit per ticket with the number of matching messages and the best snippet', async () => {
    const r = await search({ q: '发票', status: 'open,pending,snoozed,resolved,closed', limit: '50', assigneeId: 'none' });
    const ids = r.hits.map((h) => h.ticket.id);
    expect(new Set(ids).size).toBe(ids.length);
    const grouped = await search({ q: '开发票' });
    const hit = grouped.hits.find((h) => h.ticket.id === twoHits);
    expect(hit?.matchingMessages).toBe(1);
    expect(hit?.snippet).toBe('请帮我<mark>开发票</mark>');
    const two = await search({ q: '发票', status: 'open', assigneeId: 'none', limit: '50' });
    const both = two.hits.find((h) => h.ticket.id === twoHits);
    expect(both?.matchingMessages).toBe(2);
    expect(both?.ticket.contact).toBeTruthy();
    expect(both?.ticket.channel.kind).toBe('email');
  });

  it('never lists a ticket twice in the legacy message list', async () => {
    const r = await search({ q: '发票', limit: '50', status: 'open', assigneeId: 'none' });
    const ticketIds = r.messages.map((m) => m.ticketId);
    expect(new Set(ticketIds).size).toBe(ticketIds.length);
  });
});

describe('search filters and paging', () => {
  it('filters by status, assignee, channel, team and last activity', async () => {
    const resolved = await search({ q: '发票', status: 'resolved,closed', limit: '50' });
    expect(resolved.hits.length).toBeGreaterThan(0);
    expect(resolved.hits.every((h) => h.ticket.status === 'resolved' || h.ticket.status === 'closed')).toBe(true);

    const mine = await search({ q: '发票', assigneeId: 'me', status: 'open', limit: '50' });
    expect(mine.hits.every((h) => h.ticket.assignee?.id === me.agentId)).toBe(true);
    expect(mine.hits[0]!.ticket.id).toBe(target);

    const theirs = await search({ q: '发票', assigneeId: String(other.agentId), status: 'open', limit: '50' }, t.admin);
    expect(theirs.hits.length).toBeGreaterThan(0);
    expect(theirs.hits.every((h) => h.ticket.assignee?.id === other.agentId)).toBe(true);

    const wechat = await search({ q: '发票', channel: 'wechat', status: 'open,pending,resolved,closed', limit: '50' });
    expect(wechat.hits.length).toBeGreaterThan(0);
    expect(wechat.hits.every((h) => h.ticket.channel.kind === 'wechat')).toBe(true);

    const team = await search({ q: '发票', teamId: String(teamId), status: 'pending', limit: '50' });
    expect(team.hits.length).toBeGreaterThan(0);
    expect(team.hits.every((h) => h.ticket.team?.id === teamId && h.ticket.status === 'pending')).toBe(true);

    const from = new Date(Date.now() - 10 * 60_000).toISOString();
    const recent = await search({ q: '发票', from, status: 'open,pending,resolved,closed' });
    expect(recent.hits.map((h) => h.ticket.id)).toEqual([target, twoHits]);
    const old = await search({ q: '发票', to: new Date(Date.now() - 20 * DAY).toISOString(), assigneeId: 'me', status: 'open', limit: '50' });
    expect(old.hits.length).toBeGreaterThan(0);
    expect(old.hits.map((h) => h.ticket.id)).not.toContain(target);
  });

  it('pages through every matching ticket with a cursor, each once', async () => {
    const seen = new Set<number>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: SearchResult = await search({ q: '发票', limit: '50', status: 'open,pending,snoozed,resolved,closed', ...(cursor ? { cursor } : {}) }, t.admin);
      for (const h of r.hits) {
        expect(seen.has(h.ticket.id)).toBe(false);
        seen.add(h.ticket.id);
      }
      cursor = r.nextCursor;
      pages++;
    } while (cursor && pages < 30);
    expect(seen.size).toBe(NOISE + 2);
  });

  it('refuses a bad filter naming it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/search?q=x&status=lost', headers: { cookie: me.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('status');
    const cursor = await t.app.inject({ method: 'GET', url: '/api/v1/search?q=x&cursor=nope', headers: { cookie: me.cookie } });
    expect(cursor.statusCode).toBe(400);
  });
});

describe('search API docs', () => {
  it('documents the filters, the cursor and the grouped hits at /api/docs/json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    type Op = { parameters: Array<{ name: string; in: string }>; responses: Record<string, { content: Record<string, { schema: { properties: Record<string, unknown> } }> }> };
    const op = res.json<{ paths: Record<string, { get: Op }> }>().paths['/api/v1/search']!.get;
    const names = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['q', 'limit', 'status', 'assigneeId', 'channel', 'teamId', 'from', 'to', 'cursor']));
    const body = op.responses['200']!.content['application/json']!.schema.properties;
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['hits', 'nextCursor', 'tickets', 'messages', 'contacts']));
  });
});
