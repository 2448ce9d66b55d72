import { performance } from 'node:perf_hooks';
import { intake } from '../../server/intake/intake.js';
import type { KefuEvent } from '../../server/realtime/events.js';
import { rmSync } from 'node:fs';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { tempDir, TEST_PASSWORD } from '../helpers/app.js';
import { loadPerCore, percentile, report } from './lib.js';

/**
 * Outbound webhook fan-out of one event to 20 subscribers. What the request that caused the event
 * pays is the bus handler (target p99 < 1 ms) and, end to end, a ticket PATCH's server-side time with
 * 20 subscribers against none (target: the medians differ by < 1 ms); the deliveries themselves are
 * written on a later turn, reported as the time to write one event's 20 deliveries and outbox rows.
 * Size: KEFU_BENCH_WEBHOOK_REQUESTS (default 400 PATCHes per side).
 */
const REQUESTS = Number(process.env.KEFU_BENCH_WEBHOOK_REQUESTS ?? 400);
const SUBSCRIBERS = 20;

// The hook below is added before the app is ready, so the app is built here rather than by createTestApp.
const dataDir = tempDir('kefu-bench-webhooks-');
const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
const app = await buildApp(ctx, { webRoot: null });
// Server-side time of each request, from arrival until its answer is handed over to be sent.
let served = 0;
app.addHook('onSend', async (_request, reply) => {
  served = reply.elapsedTime;
});
await app.ready();
await createAgent(ctx, { email: 'admin@example.test', name: 'Admin', role: 'admin', password: TEST_PASSWORD });
const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.test', password: TEST_PASSWORD } });
const cookie = `kefu_session=${login.cookies.find((c) => c.name === 'kefu_session')?.value ?? ''}`;
const t = { ctx, app, admin: { headers: { cookie, 'x-csrf-token': login.json<{ csrfToken: string }>().csrfToken } } };
const { ticketId } = await intake(t.ctx, {
  channel: { kind: 'email', name: 'support' },
  sender: { identity: { kind: 'email', value: 'bench@example.org' }, name: 'Bench' },
  subject: 'Order 55231',
  text: 'Hello, where is my parcel?',
  idempotencyKey: 'webhook-bench',
});
for (let i = 0; i < SUBSCRIBERS; i++) {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.admin.headers, payload: { url: `https://hooks${i}.example.com/kefu`, events: ['ticket.updated', 'message.created'] } });
  if (res.statusCode !== 201) throw new Error(`webhook create failed: ${res.body}`);
}
await t.ctx.webhooks.idle();

const setEnabled = (on: boolean) => t.ctx.db.updateTable('webhooks').set({ enabled: on ? 1 : 0 }).execute();
const deliveries = async () => Number((await t.ctx.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

/**
 * Each PATCH's server-side time (arrival until the answer is handed to the socket: what the client
 * waits for) and its in-process round trip (app.inject resolves only after a later event-loop turn,
 * which the deferred fan-out write may run before, so that figure counts the write too).
 */
async function patches(into: { server: number[]; roundTrip: number[] }): Promise<void> {
  for (let i = -20; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers, payload: { priority: i % 2 === 0 ? 'high' : 'normal' } });
    const took = performance.now() - t0;
    if (res.statusCode !== 200) throw new Error(`PATCH failed: ${res.body}`);
    if (i >= 0) {
      into.server.push(served);
      into.roundTrip.push(took);
    }
    await t.ctx.webhooks.idle();
  }
}

// The two sides alternate in rounds so drift in machine load hits both alike.
const off = { server: [] as number[], roundTrip: [] as number[] };
const on = { server: [] as number[], roundTrip: [] as number[] };
for (let round = 0; round < 4; round++) {
  await setEnabled(false);
  await patches(off);
  await setEnabled(true);
  await patches(on);
}
const written = await deliveries();
if (written < SUBSCRIBERS * REQUESTS) throw new Error(`only ${written} deliveries written: the bench measured no fan-out`);

// The handler alone, as the bus calls it inside the request's commit callback.
const event = {
  type: 'ticket.updated',
  actor: { kind: 'system' },
  ticketId,
  assigneeId: null,
  teamId: null,
  changes: ['priority'],
  previous: { assigneeId: null, teamId: null },
  ticket: (await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers })).json<{ ticket: Extract<KefuEvent, { type: 'ticket.updated' }>['ticket'] }>().ticket,
} satisfies KefuEvent;
const handleWall: number[] = [];
const writeWall: number[] = [];
for (let i = 0; i < 500; i++) {
  const h0 = performance.now();
  t.ctx.webhooks.handle(event);
  handleWall.push(performance.now() - h0);
  const w0 = performance.now();
  await t.ctx.webhooks.idle();
  writeWall.push(performance.now() - w0);
}

const load = loadPerCore();
report([
  { name: `PATCH ticket, no webhooks: server p50 (load ${load.toFixed(1)}/core)`, value: percentile(off.server, 50), unit: 'ms' },
  { name: `PATCH ticket, ${SUBSCRIBERS} webhooks: server p50`, value: percentile(on.server, 50), unit: 'ms' },
  { name: `added to the request by ${SUBSCRIBERS} webhooks (p50 diff)`, value: Math.max(0, percentile(on.server, 50) - percentile(off.server, 50)), unit: 'ms', target: '< 1' },
  { name: 'PATCH ticket, no webhooks: inject round trip p50', value: percentile(off.roundTrip, 50), unit: 'ms' },
  { name: `PATCH ticket, ${SUBSCRIBERS} webhooks: inject round trip p50`, value: percentile(on.roundTrip, 50), unit: 'ms' },
  { name: 'bus handler for one event: p50', value: percentile(handleWall, 50), unit: 'ms' },
  { name: 'bus handler for one event: p99', value: percentile(handleWall, 99), unit: 'ms', target: '< 1' },
  { name: `write one event's ${SUBSCRIBERS} deliveries (async): p50`, value: percentile(writeWall, 50), unit: 'ms' },
  { name: `write one event's ${SUBSCRIBERS} deliveries (async): p99`, value: percentile(writeWall, 99), unit: 'ms' },
]);
await app.close();
await ctx.close();
rmSync(dataDir, { recursive: true, force: true });
