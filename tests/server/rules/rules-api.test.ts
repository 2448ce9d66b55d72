import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRawEmail } from '../../../server/channels/email/ingest.js';
import type { EmailChannelConfig } from '../../../server/channels/email/config-schema.js';
import { intake } from '../../../server/intake/intake.js';
import type { RuleView } from '../../../server/modules/rules/schemas.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { buildMail } from '../channels/email/mail-builder.js';

let t: TestApp;
let channel: EmailChannelConfig;
let teamId: number;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ channels: { email: [{ name: 'support', address: 'support@example.com' }] } });
  const found = t.config.channels.email[0];
  if (!found) throw new Error('no channel');
  channel = found;
  for (const name of ['refund', 'vip', 'loop', 'spam-check']) {
    await t.app.inject({ method: 'POST', url: '/api/v1/labels', headers: t.admin.headers, payload: { name } });
  }
  const team = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: t.admin.headers, payload: { name: 'Billing' } });
  teamId = team.json<{ team: { id: number } }>().team.id;
});
afterAll(async () => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

async function createRule(body: Record<string, unknown>): Promise<RuleView> {
  const res = await api('POST', '/rules', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ rule: RuleView }>().rule;
}

/** Rules from earlier tests would act on later tickets: each test starts with none. */
async function clearRules(): Promise<void> {
  const list = (await api('GET', '/rules')).json<{ items: RuleView[] }>().items;
  for (const r of list) await api('DELETE', `/rules/${r.id}`);
}

async function inbound(subject: string, text = 'Hello'): Promise<number> {
  seq++;
  const result = await intake(t.ctx, {
    channel: { kind: 'email', name: 'support' },
    sender: { identity: { kind: 'email', value: `c${seq}@example.org` }, name: `C ${seq}` },
    subject,
    text,
    idempotencyKey: `<rules-${seq}@example.org>`,
  });
  await t.ctx.automation.idle();
  return result.ticketId;
}

interface Detail {
  ticket: { labels: string[]; priority: string; team: { id: number } | null; status: string };
  events: Array<{ actor: { kind: string; name: string | null }; changes: Array<{ field: string }> }>;
  messages: Array<{ kind: string; text: string; author: { name: string } }>;
}
const detail = async (id: number): Promise<Detail> => (await api('GET', `/tickets/${id}`)).json<Detail>();

describe('rules API', () => {
  it('creates the refund triage rule and a new inbound email gets its label, priority and team, named in the timeline', async () => {
    await clearRules();
    const rule = await createRule({
      name: 'Refund triage',
      event: 'ticket.created',
      conditions: { all: [{ field: 'subject', op: 'contains', value: 'refund' }] },
      actions: [{ type: 'add_labels', labels: ['refund'] }, { type: 'set_priority', priority: 'high' }, { type: 'assign_team', teamId }],
    });
    expect(rule).toMatchObject({ name: 'Refund triage', enabled: true, version: 1, broken: null });

    const stored = await ingestRawEmail(t.ctx, channel, buildMail({ subject: 'I want a REFUND', from: 'Bo <bo@example.org>' }));
    await t.ctx.automation.idle();
    const d = await detail(stored.ticketId ?? 0);
    expect(d.ticket).toMatchObject({ labels: ['refund'], priority: 'high', team: { id: teamId } });
    const ruleEvent = d.events.find((e) => e.actor.kind === 'automation');
    expect(ruleEvent?.actor.name).toBe('Refund triage');
    expect(ruleEvent?.changes.map((c) => c.field).sort()).toEqual(['labels', 'priority', 'team']);

    const audit = await t.ctx.db.selectFrom('audit_log').selectAll().where('entity_id', '=', stored.ticketId).where('actor_kind', '=', 'automation').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['rule.applied', 'ticket.updated']);
    expect(audit.every((a) => a.actor_id === rule.id)).toBe(true);

    const other = await inbound('Where is my parcel?');
    expect((await detail(other)).ticket.labels).toEqual([]);
  });

  it('accepts `any` beside `all` and refuses an invalid regex naming the field', async () => {
    const ok = await api('POST', '/rules', {
      name: 'Either',
      event: 'message.customer',
      conditions: { all: [{ field: 'channel', op: 'equals', value: 'email' }], any: [{ field: 'body', op: 'matches', value: 'urgent|asap' }] },
      actions: [{ type: 'set_priority', priority: 'urgent' }],
    });
    expect(ok.statusCode).toBe(201);
    const bad = await api('POST', '/rules', {
      name: 'Bad',
      event: 'ticket.created',
      conditions: { any: [{ field: 'subject', op: 'matches', value: '([a-z' }] },
      actions: [{ type: 'set_priority', priority: 'high' }],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string; details: { field: string } } }>().error.details.field).toBe('conditions.any[0].value');
    const badOp = await api('POST', '/rules', { name: 'X', event: 'nope', conditions: {}, actions: [{ type: 'close_spam' }] });
    expect(badOp.statusCode).toBe(400);
  });

  it('refuses the later of two saves from the same version (409)', async () => {
    const rule = await createRule({ name: 'Edited twice', event: 'ticket.created', conditions: {}, actions: [{ type: 'set_priority', priority: 'low' }], enabled: false });
    const first = await api('PATCH', `/rules/${rule.id}`, { version: rule.version, name: 'First save' });
    expect(first.statusCode).toBe(200);
    expect(first.json<{ rule: RuleView }>().rule.version).toBe(rule.version + 1);
    const second = await api('PATCH', `/rules/${rule.id}`, { version: rule.version, name: 'Second save' });
    expect(second.statusCode).toBe(409);
    expect(second.json<{ error: { code: string } }>().error.code).toBe('version_conflict');
    expect((await api('GET', `/rules/${rule.id}`)).json<{ rule: RuleView }>().rule.name).toBe('First save');
  });

  it('duplicates a rule (disabled, right after it), reorders and deletes', async () => {
    await clearRules();
    const a = await createRule({ name: 'A', event: 'ticket.created', conditions: {}, actions: [{ type: 'set_priority', priority: 'low' }], enabled: false });
    const b = await createRule({ name: 'B', event: 'ticket.created', conditions: {}, actions: [{ type: 'set_priority', priority: 'low' }], enabled: false });
    const copy = (await api('POST', `/rules/${a.id}/duplicate`)).json<{ rule: RuleView }>().rule;
    expect(copy).toMatchObject({ name: 'A (copy)', enabled: false });
    const names = async () => (await api('GET', '/rules')).json<{ items: RuleView[] }>().items.map((r) => r.name);
    expect(await names()).toEqual(['A', 'A (copy)', 'B']);
    const reordered = await api('POST', '/rules/reorder', { ids: [b.id, copy.id, a.id] });
    expect(reordered.statusCode).toBe(200);
    expect(await names()).toEqual(['B', 'A (copy)', 'A']);
    expect((await api('POST', '/rules/reorder', { ids: [b.id] })).statusCode).toBe(400);
    expect((await api('DELETE', `/rules/${copy.id}`)).statusCode).toBe(204);
    expect(await names()).toEqual(['B', 'A']);
  });

  it('dry-runs a rule against a ticket: each condition, the actions, and nothing changes', async () => {
    await clearRules();
    const ticketId = await inbound('Refund please', 'order 5');
    const rule = await createRule({
      name: 'Dry',
      event: 'ticket.created',
      enabled: false,
      conditions: { all: [{ field: 'subject', op: 'contains', value: 'refund' }, { field: 'priority', op: 'equals', value: 'urgent' }] },
      actions: [{ type: 'add_labels', labels: ['vip'] }],
    });
    const res = await api('POST', `/rules/${rule.id}/dry-run`, { ticketId });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ matched: boolean; conditions: Array<{ matched: boolean }>; actions: Array<{ description: string }> }>();
    expect(body.matched).toBe(false);
    expect(body.conditions.map((c) => c.matched)).toEqual([true, false]);
    expect(body.actions.map((a) => a.description)).toEqual(['add labels vip']);
    expect((await detail(ticketId)).ticket.labels).toEqual([]);
  });

  it('shows a rule naming a deleted team as broken and skips it without stopping intake or later rules', async () => {
    await clearRules();
    const team = (await api('POST', '/teams', { name: 'Short-lived' })).json<{ team: { id: number } }>().team;
    const broken = await createRule({ name: 'To a gone team', event: 'ticket.created', conditions: {}, actions: [{ type: 'assign_team', teamId: team.id }, { type: 'set_priority', priority: 'urgent' }] });
    await createRule({ name: 'Still runs', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['vip'] }] });
    expect((await api('DELETE', `/teams/${team.id}`)).statusCode).toBe(204);
    t.ctx.automation.invalidate();
    expect((await api('GET', `/rules/${broken.id}`)).json<{ rule: RuleView }>().rule.broken).toMatch(/team/);

    const ticketId = await inbound('Anything');
    const d = await detail(ticketId);
    expect(d.ticket).toMatchObject({ labels: ['vip'], priority: 'normal', team: null });
  });

  it('skips a rule whose label was deleted after the rules were loaded', async () => {
    await clearRules();
    const label = (await api('POST', '/labels', { name: 'ephemeral' })).json<{ label: { id: number } }>().label;
    await createRule({ name: 'Ephemeral label', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['ephemeral'] }] });
    await createRule({ name: 'Priority after', event: 'ticket.created', conditions: {}, actions: [{ type: 'set_priority', priority: 'high' }] });
    await inbound('warm the cache');
    await api('DELETE', `/labels/${label.id}`);
    const ticketId = await inbound('after the label went');
    expect((await detail(ticketId)).ticket).toMatchObject({ labels: [], priority: 'high' });
  });

  it('skips a stored rule that no longer compiles (a hand-edited row) and runs the others', async () => {
    await clearRules();
    const bad = await createRule({ name: 'Hand-edited', event: 'ticket.created', conditions: {}, actions: [{ type: 'set_priority', priority: 'urgent' }] });
    await createRule({ name: 'Fine', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['vip'] }] });
    await t.ctx.db.updateTable('rules').set({ conditions: '{"all":[{"field":"subject","op":"matches","value":"(("}]}' }).where('id', '=', bad.id).execute();
    t.ctx.automation.invalidate();
    const ticketId = await inbound('after the edit');
    expect((await detail(ticketId)).ticket).toMatchObject({ labels: ['vip'], priority: 'normal' });
  });

  it('stops later rules when a matching rule says so', async () => {
    await clearRules();
    await createRule({ name: 'First', event: 'ticket.created', conditions: {}, stopProcessing: true, actions: [{ type: 'set_priority', priority: 'low' }] });
    await createRule({ name: 'Second', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['vip'] }] });
    const ticketId = await inbound('stop here');
    expect((await detail(ticketId)).ticket).toMatchObject({ labels: [], priority: 'low' });
  });

  it('adds an internal note written by the rule', async () => {
    await clearRules();
    await createRule({ name: 'Noter', event: 'message.customer', conditions: { all: [{ field: 'body', op: 'contains', value: 'lawyer' }] }, actions: [{ type: 'add_note', text: 'Escalate to legal.' }] });
    const ticketId = await inbound('Complaint', 'My lawyer will call.');
    const note = (await detail(ticketId)).messages.find((m) => m.kind === 'note');
    expect(note).toMatchObject({ text: 'Escalate to legal.', author: { name: 'Rule ‘Noter’' } });
    const line = (await detail(ticketId)).events.find((e) => e.actor.name === 'Noter');
    expect(line?.changes).toEqual([{ field: 'rule', actions: ['add_note'] }]);
  });

  it('is for admins and supervisors only', async () => {
    const agent = await t.signIn('agent');
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/rules', headers: agent.headers });
    expect(res.statusCode).toBe(403);
  });
});

describe('rule loop guard', () => {
  it('a rule never fires twice in one chain: label-set and label-triggered rules that undo each other end', async () => {
    await clearRules();
    // Tag sets "loop"; Untag removes it when it appears; Retag adds it back when it goes. Without the guard this flips forever.
    await createRule({ name: 'Tag', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['loop'] }] });
    await createRule({ name: 'Untag', event: 'ticket.updated', conditions: { all: [{ field: 'labels', op: 'contains', value: 'loop' }] }, actions: [{ type: 'remove_labels', labels: ['loop'] }] });
    await createRule({ name: 'Retag', event: 'ticket.updated', conditions: { all: [{ field: 'labels', op: 'not_contains', value: 'loop' }, { field: 'changed', op: 'contains', value: 'labels' }] }, actions: [{ type: 'add_labels', labels: ['loop'] }] });
    const ticketId = await inbound('loop me');
    const d = await detail(ticketId);
    expect(d.ticket.labels).toEqual(['loop']);
    const byRule = d.events.filter((e) => e.actor.kind === 'automation').map((e) => e.actor.name);
    expect(byRule).toEqual(['Tag', 'Untag', 'Retag']);
  });

  it('a rule triggered by a label another rule set runs once', async () => {
    await clearRules();
    await createRule({ name: 'Mark VIP', event: 'ticket.created', conditions: { all: [{ field: 'subject', op: 'contains', value: 'ceo' }] }, actions: [{ type: 'add_labels', labels: ['vip'] }] });
    await createRule({ name: 'VIP is urgent', event: 'ticket.updated', conditions: { all: [{ field: 'labels', op: 'contains', value: 'vip' }] }, actions: [{ type: 'set_priority', priority: 'urgent' }] });
    const ticketId = await inbound('From the CEO');
    expect((await detail(ticketId)).ticket).toMatchObject({ labels: ['vip'], priority: 'urgent' });
    const fired = await t.ctx.db.selectFrom('audit_log').select('actor_id').where('entity_id', '=', ticketId).where('action', '=', 'rule.applied').execute();
    expect(fired.length).toBe(2);
  });

  it('a chain of rules each triggered by the previous one stops at depth 5', async () => {
    await clearRules();
    for (let i = 1; i <= 7; i++) await api('POST', '/labels', { name: `s${i}` });
    await createRule({ name: 'Start', event: 'ticket.created', conditions: {}, actions: [{ type: 'add_labels', labels: ['s1'] }] });
    // Listed last-step first, so each event of the chain wakes exactly the next step.
    for (let i = 6; i >= 1; i--) {
      await createRule({ name: `s${i} to s${i + 1}`, event: 'ticket.updated', conditions: { all: [{ field: 'labels', op: 'contains', value: `s${i}` }] }, actions: [{ type: 'add_labels', labels: [`s${i + 1}`] }] });
    }
    const ticketId = await inbound('chain');
    expect((await detail(ticketId)).ticket.labels.sort()).toEqual(['s1', 's2', 's3', 's4', 's5']);
  });
});
