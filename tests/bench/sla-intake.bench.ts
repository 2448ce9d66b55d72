/**
 * Intake with SLA policies against none, in the same run (target ≥ 0.8×, in messages per second and,
 * since a shared machine makes wall rates swing, in CPU per message too): with policies, every new
 * ticket and every customer message chooses a policy and recomputes its clocks from the ticket's
 * history, in business hours on a Shanghai calendar. Five policies, the first matching wins; most
 * tickets fall through to the catch-all. Size: KEFU_BENCH_SLA_MESSAGES (default 600 inbound messages
 * per side, one ticket in three getting a follow-up).
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { configFromObject } from '../../server/config/load.js';
import { createContext, type AppContext } from '../../server/context.js';
import { intake } from '../../server/intake/intake.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { createBusinessHours } from '../../server/modules/business-hours/service.js';
import { createSlaPolicy } from '../../server/modules/sla/service.js';
import { tempDir } from '../helpers/app.js';
import { report } from './lib.js';

const MESSAGES = Number(process.env.KEFU_BENCH_SLA_MESSAGES ?? 600);
const day = [
  { from: '09:00', to: '12:00' },
  { from: '13:00', to: '18:00' },
];

async function context(withSla: boolean): Promise<{ ctx: AppContext; dir: string }> {
  const dir = tempDir('kefu-bench-sla-intake-');
  const ctx = await createContext(configFromObject({ data_dir: dir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
  if (withSla) {
    const admin = await createAgent(ctx, { email: 'bench@example.test', name: 'Bench', role: 'admin', password: 'correct horse battery' });
    const viewer = { id: admin.id, role: 'admin' as const, name: 'Bench' };
    const calendar = await createBusinessHours(ctx, viewer, {
      name: 'Shanghai office',
      timezone: 'Asia/Shanghai',
      weekly: { mon: day, tue: day, wed: day, thu: day, fri: day },
      holidays: [{ date: '2026-10-01', name: '国庆节' }],
      extraWorkdays: [{ date: '2026-10-10', hours: day }],
    });
    const targets = { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 2400 };
    const policies = [
      { name: 'Urgent', conditions: { all: [{ field: 'priority', op: 'equals' as const, value: 'urgent' }] } },
      { name: 'VIP', conditions: { all: [{ field: 'contact.vip', op: 'equals' as const, value: true }] } },
      { name: 'Chat', conditions: { all: [{ field: 'channel', op: 'equals' as const, value: 'widget' }] } },
      { name: 'Billing', conditions: { all: [{ field: 'labels', op: 'contains' as const, value: 'billing' }] } },
      { name: 'Everyone else', conditions: { all: [] } },
    ];
    for (const p of policies) await createSlaPolicy(ctx, viewer, { ...p, businessHoursId: calendar.id, targets, warning: { percent: 20 } });
    await ctx.slaRecompute.idle();
  }
  return { ctx, dir };
}

/** Until what intake set off (SLA re-computations ride on its events) has committed too. */
async function settled(ctx: AppContext): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    await ctx.database.transaction(async () => undefined);
  }
}

/** Inbound messages per second, 4 in flight, until the last message's clocks are computed too. */
async function intakeRate(ctx: AppContext, tag: string, cpuMs: number[]): Promise<number> {
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    while (next < MESSAGES) {
      const i = next++;
      // One in three is a follow-up in the thread of the message two before it.
      const thread = i % 3 === 2 ? i - 2 : i;
      await intake(ctx, {
        channel: { kind: 'email', name: 'support' },
        sender: { identity: { kind: 'email', value: `customer${thread % 300}@example.org` }, name: `Customer ${thread % 300}` },
        subject: `Question about order ${thread}`,
        text: 'Hello, the tracking page still says the label was created. Could you check? '.repeat(5),
        idempotencyKey: `<bench-${tag}-${i}@example.org>`,
        thread: { key: `${tag}-${thread}` },
      });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  await settled(ctx);
  const c = process.cpuUsage(c0);
  cpuMs.push((c.user + c.system) / 1000 / MESSAGES);
  return MESSAGES / ((performance.now() - t0) / 1000);
}

const plain = await context(false);
const timed = await context(true);
// Alternated, so a slow patch of the shared machine does not land on one side only.
const without: number[] = [];
const withSla: number[] = [];
const cpuWithout: number[] = [];
const cpuWithSla: number[] = [];
for (let round = 0; round < 2; round++) {
  without.push(await intakeRate(plain.ctx, `plain-${round}`, cpuWithout));
  withSla.push(await intakeRate(timed.ctx, `sla-${round}`, cpuWithSla));
}
const clocks = await timed.ctx.db.selectFrom('sla_targets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
if (Number(clocks.n) === 0) throw new Error('no SLA clocks were computed: the bench would measure nothing');
const best = (xs: number[]) => Math.max(...xs);
const least = (xs: number[]) => Math.min(...xs);
await plain.ctx.close();
await timed.ctx.close();
rmSync(plain.dir, { recursive: true, force: true });
rmSync(timed.dir, { recursive: true, force: true });
report([
  { name: 'intake without SLA policies', value: best(without), unit: 'msg/s' },
  { name: `intake with 5 SLA policies (${Number(clocks.n)} clocks)`, value: best(withSla), unit: 'msg/s' },
  { name: 'intake with SLA ÷ without', value: best(withSla) / best(without), unit: '×', target: '> 0.8' },
  // CPU per message: on a shared machine, wall rates include waiting for a core; this does not.
  { name: 'CPU per message without SLA', value: least(cpuWithout), unit: 'ms' },
  { name: 'CPU per message with SLA', value: least(cpuWithSla), unit: 'ms' },
  { name: 'intake with SLA ÷ without, by CPU per message', value: least(cpuWithout) / least(cpuWithSla), unit: '×', target: '> 0.8' },
]);
