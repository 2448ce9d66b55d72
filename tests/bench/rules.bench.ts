import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { configFromObject } from '../../server/config/load.js';
import { createContext, type AppContext } from '../../server/context.js';
import { intake } from '../../server/intake/intake.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { alwaysOpen, compileConditions, matches, type TicketFacts } from '../../server/modules/rules/conditions.js';
import type { Conditions, RuleInput } from '../../server/modules/rules/schemas.js';
import { createRule } from '../../server/modules/rules/service.js';
import { tempDir } from '../helpers/app.js';
import { loadPerCore, percentile, report, type Figure } from './lib.js';

/**
 * The rules engine with 100 active rules: evaluating every rule for one event (target p99 < 1 ms),
 * and intake throughput with those rules against none, in the same run (target ≥ 0.7×). The rules are
 * a spread of keyword, regex, sender, label and attribute conditions; two of them act on the one
 * message in ten that asks for a refund (one on ticket.created, one on the customer's message).
 * Size: KEFU_BENCH_RULES_MESSAGES (default 600 inbound messages per side).
 */
const MESSAGES = Number(process.env.KEFU_BENCH_RULES_MESSAGES ?? 600);
const RULES = 100;

/** A spread of the conditions admins write: keywords, regexes, senders, labels, channels, attributes. */
function conditionsFor(i: number): Conditions {
  switch (i % 6) {
    case 0:
      return { all: [{ field: 'subject', op: 'contains', value: `keyword${i}` }] };
    case 1:
      return { any: [{ field: 'body', op: 'matches', value: `\\border[- ]?${i}\\b` }, { field: 'subject', op: 'matches', value: `^re: case ${i}` }] };
    case 2:
      return { all: [{ field: 'sender_domain', op: 'in', value: [`corp${i}.example`, `vip${i}.example`] }, { field: 'channel', op: 'equals', value: 'email' }] };
    case 3:
      return { all: [{ field: 'labels', op: 'contains', value: `tier${i}` }, { field: 'priority', op: 'not_equals', value: 'urgent' }] };
    case 4:
      return { all: [{ field: 'contact_attribute', key: 'plan', op: 'equals', value: `plan${i}` }, { field: 'language', op: 'in', value: ['zh-cn', 'zh-tw'] }] };
    default:
      return { all: [{ field: 'status', op: 'equals', value: 'open' }, { field: 'body', op: 'contains', value: `phrase ${i}` }] };
  }
}

function ruleInput(i: number): RuleInput {
  // Two rules (one per event) act on the one message in ten that asks for a refund; the rest look and pass.
  const conditions = i === 98 || i === 99 ? { all: [{ field: 'subject' as const, op: 'contains' as const, value: 'refund' }] } : conditionsFor(i);
  const event = i % 2 === 0 ? 'ticket.created' : 'message.customer';
  return { name: `Rule ${i}`, event, conditions, actions: [{ type: 'set_custom_fields', fields: { [`r${i}`]: true } }] };
}

const facts: TicketFacts = {
  channel: 'email',
  channelName: 'support',
  teamId: null,
  status: 'open',
  priority: 'normal',
  labels: ['billing'],
  assigneeId: null,
  subject: 'Question about order 55231',
  body: 'Hello, I ordered a pair of running shoes last week (order 55231) and the tracking page still says the label was created. '.repeat(20),
  senderEmail: 'customer@example.org',
  language: 'en',
  contactAttributes: { plan: 'basic' },
  customFields: {},
  createdAt: Date.now(),
  lastActivityAt: Date.now(),
  lastMessageBy: 'contact',
  changed: [],
};

function evaluationFigures(): Figure[] {
  const compiled = Array.from({ length: RULES }, (_, i) => compileConditions(ruleInput(i).conditions));
  const env = { now: Date.now(), hours: alwaysOpen };
  let hits = 0;
  const load = loadPerCore();
  const { wall, cpu } = timeRunsSync(20_000, (round) => {
    // Each event brings facts of its own (nothing cached from the previous one).
    const event = { ...facts, body: `${facts.body} ${round}`, subject: round % 10 === 0 ? 'Refund for order 55231' : facts.subject };
    for (const c of compiled) if (matches(c, event, env)) hits++;
  });
  if (hits === 0) throw new Error('no rule matched: the bench would measure nothing');
  return [
    { name: `evaluate ${RULES} rules for one event: p50`, value: percentile(wall, 50), unit: 'ms' },
    { name: `evaluate ${RULES} rules for one event: p99 wall (load ${load.toFixed(1)}/core)`, value: percentile(wall, 99), unit: 'ms' },
    { name: `evaluate ${RULES} rules for one event: p99 CPU`, value: percentile(cpu, 99), unit: 'ms', target: '< 1' },
  ];
}

/** Like lib's timeRuns, for synchronous work: wall and CPU milliseconds per run, after 1000 unmeasured. */
function timeRunsSync(runs: number, fn: (i: number) => void): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs + 1000; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn(i);
    const w = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i >= 1000) {
      wall.push(w);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  return { wall, cpu };
}

async function context(withRules: boolean): Promise<{ ctx: AppContext; dir: string }> {
  const dir = tempDir('kefu-bench-rules-');
  const ctx = await createContext(configFromObject({ data_dir: dir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
  if (withRules) {
    const admin = await createAgent(ctx, { email: 'bench@example.test', name: 'Bench', role: 'admin', password: 'correct horse battery' });
    const viewer = { id: admin.id, role: 'admin' as const, name: 'Bench' };
    for (let i = 0; i < RULES; i++) await createRule(ctx, viewer, ruleInput(i));
  }
  return { ctx, dir };
}

/** Inbound messages per second, 4 in flight, until the last message's rules have run too. */
async function intakeRate(ctx: AppContext, tag: string): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < MESSAGES) {
      const i = next++;
      await intake(ctx, {
        channel: { kind: 'email', name: 'support' },
        sender: { identity: { kind: 'email', value: `customer${i % 300}@example.org` }, name: `Customer ${i % 300}` },
        subject: i % 10 === 0 ? `Refund for order ${i}` : `Question about order ${i}`,
        text: facts.body,
        idempotencyKey: `<bench-${tag}-${i}@example.org>`,
      });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await ctx.automation.idle();
  return MESSAGES / ((performance.now() - t0) / 1000);
}

const figures = evaluationFigures();
const plain = await context(false);
const ruled = await context(true);
// Alternated, so a slow patch of the shared machine does not land on one side only.
const without: number[] = [];
const withRules: number[] = [];
for (let round = 0; round < 2; round++) {
  without.push(await intakeRate(plain.ctx, `plain-${round}`));
  withRules.push(await intakeRate(ruled.ctx, `rules-${round}`));
}
const best = (xs: number[]) => Math.max(...xs);
const fired = await ruled.ctx.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'rule.applied').executeTakeFirstOrThrow();
figures.push(
  { name: 'intake without rules', value: best(without), unit: 'msg/s' },
  { name: `intake with ${RULES} rules (${Number(fired.n)} rule runs)`, value: best(withRules), unit: 'msg/s' },
  { name: 'intake with rules ÷ without', value: best(withRules) / best(without), unit: '×', target: '> 0.7' },
);
await plain.ctx.close();
await ruled.ctx.close();
rmSync(plain.dir, { recursive: true, force: true });
rmSync(ruled.dir, { recursive: true, force: true });
report(figures);
