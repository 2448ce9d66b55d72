import { rmSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApp, type App } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext, type AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { createAgent } from '../../server/modules/agents/service.js';
import { presentContact } from '../../server/modules/contacts/presenter.js';
import { tempDir, TEST_PASSWORD } from '../helpers/app.js';
import { startPostgres } from '../helpers/postgres.js';
import { loadPerCore, percentile, report } from './lib.js';

/**
 * Cross-process event delivery on PostgreSQL: an event emitted on process A's bus until an agent's
 * websocket on process B has its frame (A journals it, NOTIFY, B's LISTEN connection, B's hub).
 * The two processes are two contexts with their own pools and connections, in one Node process.
 * Target p99 < 50 ms. Size: KEFU_BENCH_CROSS_EVENTS (default 500 events, one at a time).
 */
const EVENTS = Number(process.env.KEFU_BENCH_CROSS_EVENTS ?? 500);

const cluster = await startPostgres();
const dataDir = tempDir('kefu-bench-cross-');
const config = configFromObject({
  data_dir: dataDir,
  database: { driver: 'postgres', url: await cluster.createDatabase(), pool_size: 4 },
  log: { level: 'silent' },
});
const logger = createLogger('silent', { pretty: false });

async function open(): Promise<{ ctx: AppContext; app: App }> {
  const ctx = await createContext(config, logger);
  const app = await buildApp(ctx, { webRoot: null });
  await app.ready();
  return { ctx, app };
}

const a = await open();
const b = await open();
try {
  await createAgent(a.ctx, { email: 'admin@example.test', name: 'Admin', role: 'admin', password: TEST_PASSWORD });
  const login = await b.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.test', password: TEST_PASSWORD } });
  const cookie = `kefu_session=${login.cookies.find((c) => c.name === 'kefu_session')?.value ?? ''}`;
  const contact = await a.ctx.db
    .insertInto('contacts')
    .values({ name: 'Bench', created_at: Date.now(), updated_at: Date.now() })
    .returningAll()
    .executeTakeFirstOrThrow();

  let arrived: ((n: number) => void) | null = null;
  const ws = await b.app.injectWS('/api/v1/ws', { headers: { cookie } }, {
    onInit: (socket) => {
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; event?: { contact?: { name: string } } };
        if (frame.type === 'event' && frame.event?.contact) arrived?.(Number(frame.event.contact.name.slice(6)));
      });
    },
  });

  const samples: number[] = [];
  for (let i = 0; i < EVENTS + 20; i++) {
    const got = new Promise<number>((resolve) => (arrived = resolve));
    const t0 = performance.now();
    a.ctx.bus.emit({
      type: 'contact.updated',
      contactId: contact.id,
      contact: presentContact({ ...contact, name: `Bench ${i}` }, [], 0),
      actor: { kind: 'system' },
    });
    const n = await got;
    if (n !== i) throw new Error(`event ${i} arrived as ${n}`);
    // The first few warm the statements and connections up.
    if (i >= 20) samples.push(performance.now() - t0);
  }
  ws.terminate();

  console.log(`cross-process events: ${EVENTS} one at a time; load per core ${loadPerCore().toFixed(2)}`);
  const p99 = percentile(samples, 99);
  console.log(`issue #19 target, p99 < 50 ms: ${p99.toFixed(1)} ms ${p99 < 50 ? 'PASS' : 'MISS'} (load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')})`);
  report([
    { name: 'event on A to frame on B, p50', value: percentile(samples, 50), unit: 'ms' },
    { name: 'event on A to frame on B, p99', value: percentile(samples, 99), unit: 'ms', target: '< 50' },
  ]);
} finally {
  await b.app.close();
  await b.ctx.close();
  await a.app.close();
  await a.ctx.close();
  cluster.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
