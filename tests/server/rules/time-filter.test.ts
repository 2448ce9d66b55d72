import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulesRunner, timeCandidatesQuery } from '../../../server/modules/rules/runner.js';
import type { Conditions } from '../../../server/modules/rules/schemas.js';
import { timeFilterOf } from '../../../server/modules/rules/time-filter.js';
import type { TicketRow } from '../../../server/modules/tickets/queries.js';
import { createTestApp, testDriver, type TestApp } from '../../helpers/app.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

const MIN = 60_000;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.inject({ method: 'POST', url: '/api/v1/labels', headers: t.admin.headers, payload: { name: 'unassigned-15m' } });
});
afterAll(async () => t.close());

/** Tickets written straight to the table: hundreds of them, each created at its own time. */
async function insertTickets(rows: Array<{ created: number; status: TicketRow['status']; assigneeId: number | null }>): Promise<number[]> {
  const last = await t.ctx.db.selectFrom('tickets').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
  const next = (last?.n ?? 1000) + 1;
  return t.ctx.database.transaction(async (tx) => {
    const ids: number[] = [];
    for (const [i, r] of rows.entries()) {
      const contact = await tx.insertInto('contacts').values({ name: `C ${i}`, created_at: r.created, updated_at: r.created }).returning('id').executeTakeFirstOrThrow();
      const ticket = await tx
        .insertInto('tickets')
        .values({
          number: next + i,
          subject: 'Hello',
          status: r.status,
          priority: 'normal',
          channel_kind: 'email',
          channel_name: 'support',
          contact_id: contact.id,
          assignee_id: r.assigneeId,
          created_at: r.created,
          updated_at: r.created,
          last_activity_at: r.created,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(ticket.id);
    }
    return ids;
  });
}

describe('time rules look up only tickets their plain conditions allow', () => {
  it('reaches a matching ticket behind more than a batch of tickets that fail its status and assignee conditions', async () => {
    const t0 = Date.now() - 2 * 60 * MIN;
    await insertTickets(Array.from({ length: 600 }, (_, i) => ({ created: t0 + i * 1000, status: i % 2 ? 'pending' : 'open', assigneeId: i % 2 ? null : t.admin.agentId })));
    const [target] = await insertTickets([{ created: t0 + 700 * 1000, status: 'open', assigneeId: null }]);
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

  // SQLite's query plans: PostgreSQL's planner chooses its own.
  it.skipIf(testDriver() === 'postgres').each<[string, Conditions, RegExp]>([
    ['status and assignee', { all: [{ field: 'status', op: 'equals', value: 'Open' }, { field: 'assignee', op: 'is_empty' }] }, /status=\? AND created_at>\? AND created_at<\?/],
    ['a status list and a team', { all: [{ field: 'status', op: 'in', value: ['pending', 'open'] }, { field: 'team', op: 'equals', value: 3 }] }, /INDEX tickets_/],
  ])('keeps to an index with %s, scanning no table', (_name, conditions, plan) => {
    const { sql, parameters } = timeCandidatesQuery(1, { column: 'created_at', minutes: 15 }, Date.now(), timeFilterOf(conditions)).compile(t.ctx.db);
    const details = sqliteOf(t.ctx.database).sqlite
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
