/**
 * Intake with agent websockets listening: messages per CPU-second of the server process with 0 and
 * with 200 agent sockets (supervisors and team agents, as seeded) connected. The sockets live in a
 * child process (agent-sockets-child.ts), so their parsing is not counted; the server's CPU is read
 * with process.cpuUsage, all threads, not wall time. Each run ends when every socket has received
 * the last message's event, so the fan-out of every message is inside the figure.
 * KEFU_BENCH_FANOUT_MESSAGES (default 4,000 per run) and KEFU_BENCH_FANOUT_SOCKETS (200) change the size.
 * KEFU_BENCH_PROFILE=<dir> writes a CPU profile of each measured run there (the two runs apart, warm-ups left out).
 *
 * What the sockets cost is kernel time: one write per socket per commit (the hub joins a commit's
 * frames), ~4 µs each plus ~0.14 µs per KB carried over loopback. User time is the same with and
 * without sockets. Six runs each, alternated, at a load of 5–8 per core (so single runs vary):
 *                                      system µs/msg, bare → 200 sockets    ratio (median, range)
 *   events of ~2.1 KB a message            ~40 → ~143                       0.74 (0.64–0.81)
 *   ~1.4 KB (no contact.created, a new     ~40 → ~78                        0.90 (0.76–0.97)
 *   ticket's first message without the ticket again)
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext, type AppContext } from '../../server/context.js';
import { intake } from '../../server/intake/intake.js';
import type { InboundMessage } from '../../server/intake/types.js';
import { createLogger } from '../../server/logger.js';
import { createSession } from '../../server/modules/agents/sessions.js';
import { seedDatabase } from '../../server/seed/seed.js';
import { tempDir } from '../helpers/app.js';
import { loadPerCore, report, type Figure } from './lib.js';

const MESSAGES = Number(process.env.KEFU_BENCH_FANOUT_MESSAGES ?? 4_000);
const SOCKETS = Number(process.env.KEFU_BENCH_FANOUT_SOCKETS ?? 200);
const IN_FLIGHT = 32;
const figures: Figure[] = [];
const log = (s: string) => console.log(s);
const PROFILE_DIR = process.env.KEFU_BENCH_PROFILE;

const dataDir = tempDir('kefu-bench-fanout-');
const ctx = await createContext(configFromObject({ data_dir: dataDir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
// 200 agents: one in ten a supervisor (sees everything), the rest in one or two of the seeded teams.
await seedDatabase(ctx.database, { tickets: 2_000, messagesPerTicket: 3, agents: SOCKETS });
await ctx.search.start();
const app = await buildApp(ctx, { webRoot: null });
const address = await app.listen({ host: '127.0.0.1', port: 0 });

let run = 0;
const message = (tag: string, i: number): InboundMessage => {
  // Two in three open a new ticket for a new visitor, the rest continue one.
  const base = i % 3 === 2 ? i - 2 : i;
  const zh = i % 2 === 0;
  return {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: `fanout-${tag}-${base}` }, name: zh ? '测试用户' : 'Bench User' },
    thread: { key: `fanout-${tag}-${base}` },
    text: zh ? `你好，我的订单 ${tag}${i} 还没有发货，想申请退款。` : `Hello, order ${tag}${i} has not shipped yet, I would like a refund.`,
    idempotencyKey: `fanout-${tag}-${i}`,
  };
};

/** Intake of `total` messages, 32 in flight; returns messages per CPU-second of this process. */
async function measure(label: string, total: number, sockets: SocketChild | null): Promise<number> {
  const tag = `${Date.now().toString(36)}r${++run}`;
  const profiler = PROFILE_DIR && !label.startsWith('warm-up') ? await startProfile() : null;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < total) {
        const result = await intake(ctx, message(tag, next++));
        if (!result.created) throw new Error('a repeated idempotency key: the figure would be wrong');
      }
    }),
  );
  // The last message opens a ticket nobody holds: every socket may see it, and sees it last.
  const marker = `marker${tag}`;
  const seen = await sockets?.waitFor(marker);
  await intake(ctx, { ...message(tag, total * 3), text: marker, idempotencyKey: marker });
  const frames = seen ? await seen() : 0;
  if (!(await ctx.search.caughtUp(60_000))) throw new Error('the search index fell behind');
  const c = process.cpuUsage(c0);
  if (profiler) log(`profile: ${await profiler.stop(label)}`);
  const cpuS = (c.user + c.system) / 1e6;
  const wallS = (performance.now() - t0) / 1000;
  const perCpu = (total + 1) / cpuS;
  const each = (us: number) => `${(us / (total + 1)).toFixed(0)} µs`;
  // System time is mostly the kernel carrying frames over loopback, receiving side included.
  log(`${label}: ${total + 1} messages, ${perCpu.toFixed(0)} per CPU-second (${(wallS * 1000 / (total + 1)).toFixed(2)} ms wall; CPU each ${each(c.user + c.system)}: user ${each(c.user)}, system ${each(c.system)})${sockets ? `, ${frames} frames received` : ''}`);
  return perCpu;
}

/** A CPU profile of this process (server and intake) from now until stop(), written to PROFILE_DIR. */
async function startProfile(): Promise<{ stop(label: string): Promise<string> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(label) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(PROFILE_DIR!, { recursive: true });
      const file = path.join(PROFILE_DIR!, `intake-fanout-${label.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      return file;
    },
  };
}

interface SocketChild {
  /** Resolves once the child looks for the marker, with a wait for every socket to have seen it. */
  waitFor(marker: string): Promise<() => Promise<number>>;
  close(): Promise<void>;
}

async function startSockets(count: number): Promise<SocketChild> {
  const agents = await ctx.db.selectFrom('agents').select('id').where('active', '=', 1).orderBy('id').limit(count).execute();
  const cookies = await Promise.all(
    Array.from({ length: count }, async (_, i) => `kefu_session=${(await createSession(ctx, agents[i % agents.length]!.id, {})).cookieValue}`),
  );
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'agent-sockets-child.ts');
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    ['--import', 'tsx', script, JSON.stringify({ url: `${address.replace('http://', 'ws://')}/api/v1/ws`, cookies })],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error('the socket process ended');
    return value as string;
  };
  if ((await nextLine()) !== 'ready') throw new Error('the socket process did not connect');
  return {
    async waitFor(marker) {
      child.stdin.write(`wait ${marker}\n`);
      if ((await nextLine()) !== 'waiting') throw new Error('the socket process did not take the marker');
      return async () => Number((await nextLine()).replace('seen ', ''));
    },
    async close() {
      child.stdin.write('quit\n');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

// Warm-up: the JIT and SQLite's caches, unmeasured.
await measure('warm-up', 1_000, null);
const bare = await measure('intake, no sockets', MESSAGES, null);
const sockets = await startSockets(SOCKETS);
log(`${SOCKETS} agent sockets connected`);
await measure(`warm-up with ${SOCKETS} sockets`, 500, sockets);
const listened = await measure(`intake, ${SOCKETS} sockets listening`, MESSAGES, sockets);
await sockets.close();

figures.push({ name: `intake, ${IN_FLIGHT} in flight, per CPU-second`, value: bare, unit: 'msg/s', target: '> 2000' });
figures.push({ name: `intake, ${IN_FLIGHT} in flight, ${SOCKETS} sockets, per CPU-second`, value: listened, unit: 'msg/s', target: '> 1600' });
figures.push({ name: `with ${SOCKETS} sockets / without`, value: listened / bare, unit: '×', target: '> 0.8' });
figures.push({ name: 'load average per core (1 = busy)', value: loadPerCore(), unit: '' });
await app.close();
await ctx.close();
rmSync(dataDir, { recursive: true, force: true });
report(figures);
