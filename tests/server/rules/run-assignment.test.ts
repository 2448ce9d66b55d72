import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../server/intake/intake.js';
import { assignerOf } from '../../../server/modules/assignment/assigner.js';
import { RulesRunner } from '../../../server/modules/rules/runner.js';
import type { DryRunView, RuleView } from '../../../server/modules/rules/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { assigneeOf, setDefault, setPresence } from '../assignment/helpers.js';

const MIN = 60_000;
let t: TestApp;
let agentId: number;
let clock = 0;
let runner: RulesRunner;

beforeAll(async () => {
  t = await createTestApp();
  agentId = (await t.signIn('agent')).agentId;
  // A second runner on a fake clock, not subscribed to events: only its time rules run, when told.
  runner = new RulesRunner({ clock: () => clock }).bind(t.ctx);
});
afterAll(async () => t.close());

const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin.headers, ...(payload ? { payload } : {}) });

async function chatAt(at: number, who: string): Promise<number> {
  const r = await intake(t.ctx, {
    channel: { kind: 'widget', name: 'site' },
    sender: { identity: { kind: 'widget', value: who } },
    thread: { key: `conv-${who}` },
    text: 'hello?',
    idempotencyKey: `chat-${who}`,
    receivedAt: at,
  });
  await t.ctx.automation.idle();
  await assignerOf(t.ctx).idle();
  return r.ticketId;
}

describe('the run_assignment rule action', () => {
  it('hands a chat that arrived while assignment was off to the online agent, and the timeline names the rule', async () => {
    setPresence(t, agentId, 'online');
    const t0 = Date.now() - 60 * MIN;
    const id = await chatAt(t0, 'early-visitor');
    expect(await assigneeOf(t, id)).toBeNull();

    // Turning assignment on serves the queues; a chat that came in while it was off was never queued.
    await setDefault(t, { mode: 'round_robin' });
    expect(await assigneeOf(t, id)).toBeNull();

    const res = await api('POST', '/rules', {
      name: 'Unassigned for 15 min',
      event: 'time',
      conditions: {
        all: [
          { field: 'assignee', op: 'is_empty' },
          { field: 'minutes_since_created', op: 'gte', value: 15 },
        ],
      },
      actions: [{ type: 'run_assignment' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const rule = res.json<{ rule: RuleView }>().rule;
    expect(rule.actions).toEqual([{ type: 'run_assignment' }]);

    const dry = await api('POST', `/rules/${rule.id}/dry-run`, { ticketId: id });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json<DryRunView>().actions.map((a) => a.description)).toEqual(['run automatic assignment']);
    expect(await assigneeOf(t, id)).toBeNull();

    clock = t0 + 16 * MIN;
    expect(await runner.runTimeRules()).toBe(1);
    await assignerOf(t.ctx).idle();
    expect(await assigneeOf(t, id)).toBe(agentId);

    const detail = (await api('GET', `/tickets/${id}`)).json<{ events: Array<{ actor: { name: string | null }; changes: Array<{ field: string; actions?: string[] }> }> }>();
    const ruleLine = detail.events.find((e) => e.actor.name === 'Unassigned for 15 min');
    expect(ruleLine?.changes).toEqual([{ field: 'rule', actions: ['run_assignment'] }]);
  });

  it('is documented in /api/docs with the other actions of a rule', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).body;
    expect(spec).toContain('"run_assignment"');
    expect(spec).toContain("hands an unassigned open ticket to its team's automatic assignment");
  });

  it('is refused with extra fields, naming the action', async () => {
    const res = await api('POST', '/rules', { name: 'x', event: 'ticket.created', conditions: {}, actions: [{ type: 'run_assignment', teamId: 3 }] });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('actions');
  });
});
