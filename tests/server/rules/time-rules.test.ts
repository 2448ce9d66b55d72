import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { RulesRunner, timeCandidatesQuery } from '../../../server/modules/rules/runner.js';
import { createTestApp, testDriver, type TestApp } from '../../helpers/app.js';
import { sqliteOf } from '../../helpers/sqlite-handle.js';

const MIN = 60_000;
let t: TestApp;
let clock = 0;
let runner: RulesRunner;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp();
  for (const name of ['unassigned-15m', 'waiting-on-customer']) {
    await t.app.inject({ method: 'POST', url: '/api/v1/labels', headers: t.admin.headers, payload: { name } });
  }
  // A second runner on a fake clock, not subscribed to events: only its time rules run, when told.
  runner = new RulesRunner({ clock: () => clock }).bind(t.ctx);
});
afterAll(async () => t.close());

async function ticketAt(at: number): Promise<number> {
  seq++;
  const r = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `t${seq}@example.org` } },
    subject: `Time ${seq}`,
    text: 'Hi',
    idempotencyKey: `<time-${seq}@example.org>`,
    receivedAt: at,
  });
  return r.ticketId;
}

const labelsOf = async (id: number): Promise<string[]> =>
  (await t.ctx.db.selectFrom('ticket_labels').innerJoin('labels', 'labels.id', 'ticket_labels.label_id').select('labels.name').where('ticket_id', '=', id).execute()).map((r) => r.name);

describe('time rules', () => {
  it('fires "open and unassigned for 15 min" once the time has passed, once, however often the job runs', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.admin.headers,
      payload: {
        name: 'Unassigned 15 min',
        event: 'time',
        conditions: {
          all: [
            { field: 'status', op: 'equals', value: 'open' },
            { field: 'assignee', op: 'is_empty' },
            { field: 'minutes_since_created', op: 'gte', value: 15 },
          ],
        },
        actions: [{ type: 'add_labels', labels: ['unassigned-15m'] }, { type: 'set_priority', priority: 'high' }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const t0 = Date.now() - 60 * MIN;
    const fresh = await ticketAt(t0);
    const assigned = await ticketAt(t0);
    await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${assigned}`, headers: t.admin.headers, payload: { assigneeId: t.admin.agentId } });

    clock = t0 + 10 * MIN;
    expect(await runner.runTimeRules()).toBe(0);
    expect(await labelsOf(fresh)).toEqual([]);

    clock = t0 + 16 * MIN;
    expect(await runner.runTimeRules()).toBe(1);
    expect(await labelsOf(fresh)).toEqual(['unassigned-15m']);
    expect(await labelsOf(assigned)).toEqual([]);

    // Again, and twice at once: nothing more happens.
    clock = t0 + 17 * MIN;
    expect(await runner.runTimeRules()).toBe(0);
    const twice = await Promise.all([runner.runTimeRules(), runner.runTimeRules()]);
    expect(twice).toEqual([0, 0]);
    const fires = await t.ctx.db.selectFrom('audit_log').select('id').where('entity_id', '=', fresh).where('action', '=', 'rule.applied').execute();
    expect(fires).toHaveLength(1);
  });

  it('fires "no customer reply for 24 h" only on tickets whose last message is the agent\'s', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.admin.headers,
      payload: {
        name: 'Waiting on customer',
        event: 'time',
        conditions: { all: [{ field: 'minutes_since_activity', op: 'gte', value: 24 * 60 }, { field: 'last_message_by', op: 'equals', value: 'agent' }] },
        actions: [{ type: 'add_labels', labels: ['waiting-on-customer'] }],
      },
    });
    const start = Date.now() - 26 * 60 * MIN;
    const quiet = await ticketAt(start);
    const answered = await ticketAt(start);
    const reply = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${answered}/messages`,
      headers: t.admin.headers,
      payload: { kind: 'note', text: 'looked at it' },
    });
    expect(reply.statusCode, reply.body).toBe(201);
    // The note makes the ticket's last activity now; put it back 25 h so both tickets are equally old.
    await t.ctx.db.updateTable('tickets').set({ last_activity_at: start + 60 * MIN }).where('id', 'in', [quiet, answered]).execute();

    clock = start + 60 * MIN + 24 * 60 * MIN + MIN;
    await runner.runTimeRules();
    expect(await labelsOf(answered)).toEqual(['waiting-on-customer']);
    expect(await labelsOf(quiet)).toEqual([]);
  });

  // SQLite's query plans: PostgreSQL's planner chooses its own.
  it.skipIf(testDriver() === 'postgres').each([['created_at', 'tickets_status_created'], ['last_activity_at', 'tickets_status_activity']] as const)(
    'looks tickets up by %s through an index, scanning no table',
    (column, index) => {
      const { sql, parameters } = timeCandidatesQuery(1, { column, minutes: 15 }, Date.now()).compile(t.ctx.db);
      const plan = sqliteOf(t.ctx.database).sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...(parameters as unknown[]))
        .map((r) => (r as { detail: string }).detail);
      expect(plan[0]).toMatch(new RegExp(`^SEARCH t USING (COVERING )?INDEX ${index} \\(status=\\? AND ${column}>\\? AND ${column}<\\?\\)`));
      expect(plan.filter((d) => /^SCAN/.test(d))).toEqual([]);
    },
  );

  it('refuses a time rule with no "minutes since" threshold to look tickets up by', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/rules',
      headers: t.admin.headers,
      payload: { name: 'No anchor', event: 'time', conditions: { all: [{ field: 'status', op: 'equals', value: 'pending' }] }, actions: [{ type: 'set_priority', priority: 'high' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { details: { field: string } } }>().error.details.field).toBe('conditions.all');
  });
});
