import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulesRunner, timeCandidatesQuery } from '../../../server/modules/rules/runner.js';
import type { Conditions } from '../../../server/modules/rules/schemas.js';
import { timeFilterOf } from '../../../server/modules/rules/time-filter.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

const MIN = 60_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({ method: 'POST', url: '/api/v1/labels', headers: t.admin.headers, payload: { name: 'unassigned-15m' } });
});
afterAll(async () => t.close());

/** Tickets written straight to the table: hundreds of them, each created at its own time. */
function insertTickets(rows: Array<{ created: number; status: string; assigneeId: number | null }>): number[] {
  const sqlite = t.ctx.database.sqlite;
  const contact = sqlite.prepare('insert into contacts (name, created_at, updated_at) values (?, ?, ?)');
  const ticket = sqlite.prepare(`insert into tickets (number, subject, status, priority, channel_kind, channel_name, contact_id, assignee_id, created_at, updated_at, last_activity_at)
    values (?, 'Hello', ?, 'normal', 'email', 'support', ?, ?, ?, ?, ?)`);
  const next = (sqlite.prepare('select coalesce(max(number), 1000) + 1 as n from tickets').get() as { n: number }).n;
  return sqlite.transaction(() =>
    rows.map((r, i) => {
      const contactId = contact.run(`C ${i}`, r.created, r.created).lastInsertRowid as number;
      return ticket.run(next + i, r.status, contactId, r.assigneeId, r.created, r.created, r.created).lastInsertRowid as number;
    }),
  )();
}

describe('time rules look up only tickets their plain conditions allow', () => {
  it('reaches a matching ticket behind more than a batch of tickets that fail its status and assignee conditions', async () => {
    const t0 = Date.now() - 2 * 60 * MIN;
    insertTickets(Array.from({ length: 600 }, (_, i) => ({ created: t0 + i * 1000, status: i % 2 ? 'pending' : 'open', assigneeId: i % 2 ? null : t.admin.agentId })));
    const [target] = insertTickets([{ created: t0 + 700 * 1000, status: 'open', assigneeId: null }]);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.admin.headers,
      payload: {
        name: 'Unassigned 15 min',
        event: 'time',
        conditions: { all: [{ field: 'status', op: 'equals', value: 'open' }, { field: 'assignee', op: 'is_empty' }, { field: 'minutes_since_created', op: 'gte', value: 15 }] },
        actions: [{ type: 'add_labels', labels: ['unassigned-15m'] }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    let clock = t0 + 30 * MIN;
    const runner = new RulesRunner({ clock: () => clock }).bind(t.ctx);
    expect(await runner.runTimeRules()).toBe(1);
    const fired = await t.ctx.db.selectFrom('rule_time_fires').select('ticket_id').execute();
    expect(fired.map((f) => f.ticket_id)).toEqual([target]);
    clock += MIN;
    expect(await runner.runTimeRules()).toBe(0);
  });

  it.each<[string, Conditions, RegExp]>([
    ['status and assignee', { all: [{ field: 'status', op: 'equals', value: 'Open' }, { field: 'assignee', op: 'is_empty' }] }, /status=\? AND created_at>\? AND created_at<\?/],
    ['a status list and a team', { all: [{ field: 'status', op: 'in', value: ['pending', 'open'] }, { field: 'team', op: 'equals', value: 3 }] }, /INDEX tickets_/],
  ])('keeps to an index with %s, scanning no table', (_name, conditions, plan) => {
    const { sql, parameters } = timeCandidatesQuery(1, { column: 'created_at', minutes: 15 }, Date.now(), timeFilterOf(conditions)).compile(t.ctx.db);
    const details = t.ctx.database.sqlite
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...(parameters as unknown[]))
      .map((r) => (r as { detail: string }).detail);
    expect(details[0]).toMatch(/^SEARCH t USING (COVERING )?INDEX /);
    expect(details[0]).toMatch(plan);
    expect(details.filter((d) => /^SCAN/.test(d))).toEqual([]);
  });

  it.each<[string, Conditions, { statuses: string[]; where: number }]>([
    ['nothing to narrow', { all: [{ field: 'minutes_since_created', op: 'gte', value: 5 }] }, { statuses: ['open', 'pending', 'snoozed'], where: 0 }],
    ['status equals, any case', { all: [{ field: 'status', op: 'equals', value: 'PENDING' }] }, { statuses: ['pending'], where: 0 }],
    ['status not in', { all: [{ field: 'status', op: 'not_in', value: ['snoozed'] }] }, { statuses: ['open', 'pending'], where: 0 }],
    ['a closed status never waits for a time rule', { all: [{ field: 'status', op: 'equals', value: 'resolved' }] }, { statuses: [], where: 0 }],
    ['assignee, team, priority and who wrote last', { all: [{ field: 'assignee', op: 'is_set' }, { field: 'team', op: 'in', value: [1, 2] }, { field: 'priority', op: 'equals', value: 'urgent' }, { field: 'last_message_by', op: 'equals', value: 'agent' }] }, { statuses: ['open', 'pending', 'snoozed'], where: 4 }],
    ['any-groups are left to the rule', { any: [{ field: 'status', op: 'equals', value: 'open' }, { field: 'assignee', op: 'is_empty' }] }, { statuses: ['open', 'pending', 'snoozed'], where: 0 }],
  ])('narrows the lookup: %s', (_name, conditions, want) => {
    const f = timeFilterOf(conditions);
    expect({ statuses: f.statuses, where: f.where.length }).toEqual(want);
  });
});
