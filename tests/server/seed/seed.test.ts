import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase, type SeedResult } from '../../../server/seed/seed.js';
import type { SearchResult } from '../../../server/search/schemas.js';
import { createTestApp, testDriver, type TestApp } from '../../helpers/app.js';

let t: TestApp;
let result: SeedResult;
let seededAt: number;

beforeAll(async () => {
  t = await createTestApp();
  seededAt = Date.now();
  result = await seedDatabase(t.ctx.database, { tickets: 1500, seed: 7 });
});

afterAll(async () => {
  await t.close();
});

describe('seedDatabase', () => {
  it('writes the tickets and messages it reports, with summaries that agree with the timeline', async () => {
    const tickets = await t.ctx.db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const messages = await t.ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(tickets.n)).toBe(1500);
    expect(Number(messages.n)).toBe(result.messages);
    expect(result.messages / 1500).toBeGreaterThan(4);
    const mismatched = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where((eb) =>
        eb('message_count', '!=', eb.selectFrom('messages').select((m) => m.fn.countAll<number>().as('c')).whereRef('messages.ticket_id', '=', 'tickets.id')),
      )
      .execute();
    expect(mismatched).toEqual([]);
    const long = await t.ctx.db.selectFrom('tickets').select('id').where('message_count', '=', 50).execute();
    expect(long.length).toBeGreaterThanOrEqual(1);
  });

  it('makes contacts with identities on several channels, in Chinese and English', async () => {
    const kinds = await t.ctx.db.selectFrom('contact_identities').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(expect.arrayContaining(['email', 'wechat', 'widget']));
    const channels = await t.ctx.db.selectFrom('tickets').select('channel_kind').distinct().execute();
    expect(channels.length).toBeGreaterThanOrEqual(4);
    const zh = await t.ctx.db.selectFrom('messages').select('id').where('text', 'like', '%退款%').limit(1).execute();
    const en = await t.ctx.db.selectFrom('messages').select('id').where('text', 'like', '%refund%').limit(1).execute();
    expect(zh.length + en.length).toBe(2);
    const multi = await t.ctx.db
      .selectFrom('contact_identities')
      .select('contact_id')
      .groupBy('contact_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .limit(1)
      .execute();
    expect(multi.length).toBe(1);
  });

  it('creates agents who sign in with a password made for this run, not a published one', async () => {
    expect(result.password).toMatch(/^\S{16,}$/);
    await expect(t.login('agent2@kefu.example', 'kefu-demo-password')).rejects.toThrow(/login failed/);
  });

  it('dates everything at or before the moment it ran, so new conversations sort above the demo data', async () => {
    const latest = async (table: string, column: string) =>
      Number((await sql<{ m: number | null }>`select max(${sql.ref(column)}) as m from ${sql.table(table)}`.execute(t.ctx.db)).rows[0]?.m ?? 0);
    const columns: Array<[string, string]> = [
      ['tickets', 'created_at'],
      ['tickets', 'updated_at'],
      ['tickets', 'last_activity_at'],
      ['tickets', 'last_message_at'],
      ['tickets', 'first_response_at'],
      ['tickets', 'resolved_at'],
      ['messages', 'created_at'],
      ['messages', 'delivery_updated_at'],
      ['contacts', 'created_at'],
      ['contacts', 'last_seen_at'],
      ['agents', 'created_at'],
    ];
    const after = Date.now();
    const future: string[] = [];
    for (const [table, column] of columns) if ((await latest(table, column)) > after) future.push(`${table}.${column}`);
    expect(future).toEqual([]);
    // snoozed_until is the one date meant to lie ahead: when a snoozed ticket wakes.
    expect(await latest('tickets', 'created_at')).toBeGreaterThan(seededAt - 86_400_000);
  });

  it('creates agents who can sign in, in teams, and labels on tickets', async () => {
    const session = await t.login('agent2@kefu.example', result.password);
    expect(session.agentId).toBeGreaterThan(0);
    const members = await t.ctx.db.selectFrom('team_members').select('agent_id').where('agent_id', '=', session.agentId).execute();
    expect(members.length).toBeGreaterThanOrEqual(1);
    const labelled = await t.ctx.db.selectFrom('ticket_labels').select('ticket_id').limit(1).execute();
    expect(labelled.length).toBe(1);
  });

  it('indexes everything it writes for search', async () => {
    // Each driver keeps its index in its own tables: SQLite an attached FTS5 file, PostgreSQL search_documents.
    // Built by the seed itself: nothing is left for the indexer (SQLite's thread, PostgreSQL's queue), which has not run yet.
    if (testDriver() === 'postgres') {
      const queued = await sql<{ n: number }>`select count(*) as n from search_queue`.execute(t.ctx.db);
      expect(Number(queued.rows[0]?.n)).toBe(0);
    } else {
      expect(t.ctx.search.backlog()).toBe(0);
    }
    const indexed =
      testDriver() === 'postgres'
        ? await sql<{ n: number }>`select count(*) as n from search_documents where kind = 'messages'`.execute(t.ctx.db)
        : await sql<{ n: number }>`select count(*) as n from search.search_messages`.execute(t.ctx.db);
    expect(Number(indexed.rows[0]?.n)).toBe(result.messages);
  });

  it('is found through the search API', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/search?q=${encodeURIComponent('退款')}`, headers: { cookie: t.admin.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json<SearchResult>();
    expect(body.messages.length).toBeGreaterThan(0);
    expect(body.messages[0]!.snippet).toContain('<mark>退款</mark>');
  });

  // Last: it adds rows the tests above count.
  it('makes another password on another run', async () => {
    const again = await seedDatabase(t.ctx.database, { tickets: 1, seed: 8, agents: 1 });
    expect(again.password).not.toBe(result.password);
  });
});
