/**
 * Widget relay at size: 5,000 visitor websockets held open, visitor messages paced at 500/s, and the
 * time each takes to reach an agent's websocket (visitor socket → intake → bus → agent hub). The same
 * relay through a bare `ws` server runs in the same process tree for comparison.
 * KEFU_BENCH_VISITORS, KEFU_BENCH_RATE and KEFU_BENCH_SECONDS change the load.
 * For the memory figure at size: KEFU_BENCH_DATA_DIR (a copy of a seeded data directory, e.g. 200,000
 * tickets; it is written to) and KEFU_BENCH_AGENT_SOCKETS (agent sockets held open by a child process,
 * agent-sockets-child.ts, through the whole run, so their frames cost the server what they would).
 * KEFU_BENCH_HEAP_SNAPSHOT=<file> has the server write a heap snapshot there after the load.
 * KEFU_BENCH_CACHE_MB sets database.cache_mb; KEFU_BENCH_BURST=0 leaves out the burst.
 * KEFU_BENCH_SERVER=dist runs Kefu as it runs in production instead: `kefu serve` from the build in
 * dist/ (`npm run build` first), without tsx, which keeps transpiled sources and source maps in the
 * heap; the memory figure is meant for that. Its CPU is read from /proc, so the V8 heap figures are
 * left out (a heap snapshot is taken through --heapsnapshot-signal). Node flags reach it through
 * NODE_OPTIONS; KEFU_BENCH_NODE_FLAGS (space-separated) replaces the flags of the start command.
 * Every RSS figure comes with its anonymous part (RssAnon: heap, stacks, malloc); the rest is
 * file-backed (the node binary, shared libraries), which the kernel can drop and re-read.
 *
 * Memory against the 200 MB goal, production build at 200,000 tickets, 5,000 visitors, 200 agent
 * sockets, KEFU_BENCH_RATE=150 (the machine was shared: load average 18-21 on 2 cores, so latencies
 * from these runs mean nothing), one run each on fresh copies of the same data, back to back.
 * RSS (RssAnon) in MB:
 *                                      after start   visitors+agents idle   after load
 *   before (all libraries eager)        196 (141)        240 (185)           284 (229)
 *   mail libraries loaded on use        180 (126)        231 (176)           274 (219)
 *   + sockets drop the upgrade request  181 (127)        220 (165)           250 (195)
 * A later session (load average 4-11), medians of alternated runs, n = 2 / 4 / 5:
 *   sockets drop the upgrade request    187 (132)        238 (183)           252 (196)
 *   + one background thread             178 (124)        231 (177)           246 (191)
 *   + young generation capped at 16 MB  179 (125)        211 (156)           249 (194)
 * Right after start is under 200 MB; with the sockets connected and after load it is not yet.
 * The runs spread: with the cap, idle with sockets was 210-218 in four runs and 250 in one, after
 * load 225-226 in two and 249-263 in three (when the old generation was last collected decides it).
 * About 55 MB of every figure is file-backed (the node binary's text, reclaimable page cache);
 * SQLite's files are not memory-mapped.
 * The V8 young generation is 32 MB whenever the server is busy (16 MB semi-spaces). CPU per unit
 * of work with --max-semi-space-size=N against V8's default, runs alternated (rotating the order)
 * on a shared machine; tickets.bench.ts at 20,000 tickets (KEFU_BENCH_ONLY=reads, mean CPU per
 * request, GC included; above 1 costs more) and intake-fanout.bench.ts (messages per CPU-second;
 * below 1 costs more), the capped runs' sum over the default runs' sum:
 *                        list    open    intake   intake, 200 sockets
 *   N=2, 7 runs each     1.11    1.19    0.94     0.89 (lower in 7 of 7 pairs)
 *   N=4, 7 runs each     1.05    1.00    1.00     0.91 (lower in 6 of 7 pairs)
 *   N=8, 5 runs each     0.97    0.93    1.03     0.98
 * so the production start command sets 8 (package.json, Dockerfile, install.sh). Here, CPU per
 * paced message was unchanged with it (median 2.11 against 2.46 ms); CPU per message of the
 * burst was 0.46-0.57 ms (one run 1.47) against 0.44-0.50: worth watching, within the spread.
 * v8.setFlagsFromString cannot set it: the heap is sized when the isolate is made.
 * The WAL checkpointer and the search indexer share one worker thread (server/background-thread.ts);
 * each thread is an isolate of its own.
 * A heap snapshot after load (capped young generation): 78 MB of live JS objects out of 197 MB
 * anonymous. Strings 17.5 MB, of which about 8 MB module sources and ~5 MB the generated source of
 * fast-json-stringify serializers (188) and Ajv validators (108), which are kept for every route
 * whether it is used or not; compiled code 12 MB; per visitor socket ~2 kB of objects (Socket,
 * TCP wrap, WebSocket, Receiver, Sender, stream states, a timer, a pino child logger): ~10 MB for
 * 5,000. Outside the JS heap the largest known part is SQLite's page cache: up to 32 MB for the
 * main database and 16 MB for search.sqlite on the main connection.
 *
 * The session after (load average 10-14 on 2 cores), same load, runs alternated, KEFU_BENCH_BURST=0
 * (the burst had stopped delivering in some runs; it now ends after two minutes), RSS (RssAnon):
 *                                             after start   visitors+agents idle   after load
 *   before, 3 runs: median                     155 (101)        174 (120)           196 (141)
 *                   range                      153-156          166-225             184-245
 *   validators compiled on first request,
 *   one heartbeat timer and no child logger
 *   per visitor socket, 5 runs: median         136 (82)         183 (128)           193 (139)
 *                   range                      133-137          173-188             164-227
 * (of the 5, two with the SQLite caches as shipped, 32 + 16 MB, one with 16 + 8, two with 8 + 4).
 * Right after start is 20 MB lower in every run: ~108 Ajv validators no longer compiled at start.
 * With the sockets connected and after load the figures stay within the spread, which is when V8
 * last ran a full collection: 5,000 visitors connecting added +34 to +51 MB to the smaller heap in
 * all five runs, where two of the three before had a collection meanwhile (+10, +13; the third +70).
 * The timer and logger per socket were ~700 bytes (measured apart: a pino child ~420 bytes, an
 * unref'd interval ~230 bytes and its closure), ~3.5 MB for 5,000 visitors, hidden in that spread.
 * SQLite caches: idle with sockets, 8 + 4 MB gave 181 and 183, 16 + 8 MB 187, 32 + 16 MB 188 and
 * 173: no saving shows beyond the heap's spread; the caches fill only partly under this load. CPU,
 * tickets.bench.ts at 200,000 tickets (KEFU_BENCH_ONLY=lookups, KEFU_BENCH_CACHE_MB, one copy of the
 * seed, runs alternated; mean CPU per list and open request, search p50 CPU; the first run, on a
 * cold OS file cache, left out):
 *                        list    open    search     runs
 *   32 MB (as shipped)   2.10    1.12    10.10 ms   5
 *   16 MB                2.25    0.96    10.49 ms   4    list +7% (median +16%)
 *   8 MB                 2.75    1.37    11.19 ms   5    list +31%, search +11%
 * so database.cache_mb stays 32 (the search index now gets half of it, as the fixed 16 MB was).
 * The next lever is the old generation's growth: with --heap-growing-percent=20 (V8 collects once
 * the heap has grown 20% over what survived the last full collection) one run gave 133 (79) after
 * start, 174 (120) idle with sockets, 201 (146) after load, and 2.77 ms of CPU per paced message
 * (1.21-2.57 in the other runs): its CPU cost is not measured yet, so the start command does not
 * set it.
 * A heap snapshot after load with these changes (32 + 16 MB caches; 188 MB RSS, 133 MB anonymous):
 * 65 MB of live JS objects (78 before). Strings 11.4 MB, mostly module sources kept once loaded:
 * the largest are bundled libraries (an HTML sanitiser with htmlparser2, marked, source-map, two
 * copies of Babel's helpers, a wasm module as base64); those a server at this load did not need
 * are next to be loaded on use, as the mail libraries were. Compiled code 13.4 MB. The 5,000
 * visitor sockets are ~1.6 kB each, nearly all of it ws and net internals (Socket, Receiver,
 * WebSocket, stream states, Sender, TCP, ws's bound methods).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { mb, percentile, report, type Figure } from './lib.js';
import { benchConfig, benchCredentials } from './widget-bench-setup.js';

const VISITORS = Number(process.env.KEFU_BENCH_VISITORS ?? 5000);
const RATE = Number(process.env.KEFU_BENCH_RATE ?? 500);
const SECONDS = Number(process.env.KEFU_BENCH_SECONDS ?? 12);
const WARMUP_SECONDS = 3;
const BURST = Number(process.env.KEFU_BENCH_BURST ?? 5000);
const PAGE = 'https://bench.example';
const here = path.dirname(fileURLToPath(import.meta.url));
const FROM_DIST = process.env.KEFU_BENCH_SERVER === 'dist';
const log = (s: string) => console.log(s);

interface Server {
  child: ChildProcess;
  port: number;
  token?: string;
  cookies?: string[];
  /** `kefu serve` from dist/: no IPC, usage is read from /proc */
  production?: boolean;
}

async function startServer(mode: 'kefu' | 'bare'): Promise<Server> {
  if (mode === 'kefu' && FROM_DIST) return startBuiltServer();
  // KEFU_BENCH_PROFILE=<dir> writes a CPU profile of each server process there.
  const profile = process.env.KEFU_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KEFU_BENCH_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, '--expose-gc', '--import', 'tsx', path.join(here, 'widget-server.ts'), mode], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; token?: string; cookies?: string[] }>((resolve, reject) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += String(d);
      const line = buf.split('\n').find((l) => l.startsWith('READY '));
      if (line) resolve(JSON.parse(line.slice(6)) as { port: number; token?: string; cookies?: string[] });
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, ...ready };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.once('error', reject);
  });

/**
 * `kefu serve` from dist/, on a config file holding the bench widget. The credentials are made
 * beforehand, through the sources, on the same data directory (SQLite lets both at it in turn).
 */
async function startBuiltServer(): Promise<Server> {
  const cli = path.join(here, '../../dist/server/cli.js');
  const dir = process.env.KEFU_BENCH_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-widget-'));
  const ctx = await createContext(configFromObject(benchConfig(dir)), createLogger('silent', { pretty: false }));
  const { token, cookies } = await benchCredentials(ctx, Number(process.env.KEFU_BENCH_AGENT_SOCKETS ?? 0));
  await ctx.close();
  // JSON is YAML.
  const configFile = path.join(dir, 'bench-config.yaml');
  writeFileSync(configFile, JSON.stringify(benchConfig(dir)));
  const port = await freePort();
  const profile = process.env.KEFU_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KEFU_BENCH_PROFILE}`] : [];
  const snapshot = process.env.KEFU_BENCH_HEAP_SNAPSHOT;
  const snapshotFlags = snapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${path.dirname(path.resolve(snapshot))}`] : [];
  const start = startCommand();
  log(`kefu: production start command: ${Object.entries(start.env).map(([k, v]) => `${k}=${v} `).join('')}node ${start.flags.join(' ')}`);
  const child = spawn(process.execPath, [...profile, ...snapshotFlags, ...start.flags, cli, 'serve', '--config', configFile], {
    env: { ...process.env, ...start.env, KEFU_HOST: '127.0.0.1', KEFU_PORT: String(port), NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`kefu serve exited with ${code}`))));
  for (;;) {
    const up = await Promise.race([
      fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false),
      exited,
    ]);
    if (up) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`kefu: the production build (pid ${child.pid}) is up on port ${port}`);
  return { child, port, token, cookies, production: true };
}

/**
 * The environment variables and node flags of the production start command (package.json's start
 * script, which the image, the service unit and install.sh repeat); KEFU_BENCH_NODE_FLAGS replaces the flags.
 */
function startCommand(): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(here, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
  const words = pkg.scripts.start!.split(' ');
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).map((w) => w.split('=') as [string, string]));
  const fromEnv = process.env.KEFU_BENCH_NODE_FLAGS;
  const flags = fromEnv !== undefined ? fromEnv.split(' ').filter(Boolean) : words.slice(node + 1).filter((w) => w.startsWith('--'));
  return { env, flags };
}

/** Has the production server write a heap snapshot (SIGUSR2) and moves it to `file` once complete. */
async function signalledSnapshot(child: ChildProcess, file: string): Promise<string> {
  const dir = path.dirname(path.resolve(file));
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const made = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!made) continue;
    const full = path.join(dir, made);
    const size = statSync(full).size;
    await new Promise((r) => setTimeout(r, 2000));
    // Written in one pass: done once it stops growing.
    if (statSync(full).size !== size) continue;
    renameSync(full, path.resolve(file));
    return path.resolve(file);
  }
}

/** Resident memory of a process by its pid, as the kernel counts it: all of it and its anonymous part. */
function procMemory(pid: number): { rss: number; rssAnon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), rssAnon: kb('RssAnon') };
}

/** RSS and CPU time of a process by its pid, as the kernel counts them. */
function procUsage(pid: number): Usage {
  const rssKb = procMemory(pid).rss / 1024;
  // utime and stime are fields 14 and 15, counted after the parenthesised command name.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rss: rssKb * 1024, heapUsed: NaN, liveHeap: NaN, external: NaN, cpuMs: (ticks * 1000) / CLOCK_TICKS };
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

interface Usage {
  rss: number;
  /** V8 heap in use and memory outside it (Buffers, native objects): where the RSS is */
  heapUsed: number;
  /** heap in use after a full collection */
  liveHeap: number;
  external: number;
  cpuMs: number;
}

const usageOf = (server: Server, collect = false) =>
  server.production ? Promise.resolve(procUsage(server.child.pid!)) : new Promise<Usage>((resolve) => {
    server.child.once('message', (m) => resolve(m as Usage));
    server.child.send(collect ? 'usage-gc' : 'usage');
  });
const rssOf = async (server: Server) => (await usageOf(server)).rss;
const TARGET_MB = 200;

/**
 * An RSS figure against the target where one applies, and its anonymous part beside it: the
 * file-backed rest is the node binary and libraries, shared and reclaimable, not Kefu's own.
 */
function memoryFigures(figures: Figure[], server: Server, label: string, withTarget: boolean): void {
  const { rss, rssAnon } = procMemory(server.child.pid!);
  figures.push({ name: `kefu: server RSS ${label}`, value: mb(rss), unit: 'MB', ...(withTarget ? { target: `< ${TARGET_MB}` } : {}) });
  figures.push({ name: `kefu: of which anonymous (RssAnon) ${label}`, value: mb(rssAnon), unit: 'MB' });
  // Printed as taken too: a run that does not get to the report still tells its memory.
  log(`kefu: RSS ${label}: ${mb(rss).toFixed(1)} MB (RssAnon ${mb(rssAnon).toFixed(1)} MB)`);
}

/** Runs fn and tells how much CPU the server process spent meanwhile. */
async function withServerCpu<T>(server: Server, fn: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = await usageOf(server);
  const value = await fn();
  const after = await usageOf(server);
  return { value, cpuMs: after.cpuMs - before.cpuMs };
}

/** Agent sockets in a process of their own (see agent-sockets-child.ts); resolves once all have their hello. */
async function agentSockets(url: string, cookies: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'agent-sockets-child.ts'), JSON.stringify({ url, cookies })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (String(d).includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`agent socket process exited with ${code}`)));
  });
  return child;
}

async function pool<T>(items: T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

interface Relay {
  visitors: WebSocket[];
  agent: WebSocket;
  /** message text → when it was sent */
  sentAt: Map<string, number>;
  latencies: number[];
  delivered: () => Promise<void>;
  expect: (n: number) => void;
}

/** Listens on the agent socket for the bench messages and times each from its send. */
function relay(visitors: WebSocket[], agent: WebSocket): Relay {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let want = 0;
  let done: (() => void) | null = null;
  agent.on('message', (raw) => {
    const s = String(raw);
    const at = s.indexOf('"text":"bench:');
    if (at < 0) return;
    const text = s.slice(at + 8, s.indexOf('"', at + 8));
    const t0 = sentAt.get(text);
    if (t0 === undefined) return;
    sentAt.delete(text);
    latencies.push(performance.now() - t0);
    if (latencies.length >= want && done) done();
  });
  return {
    visitors,
    agent,
    sentAt,
    latencies,
    expect: (n) => (want = n),
    delivered: () =>
      new Promise<void>((resolve) => {
        if (latencies.length >= want) return resolve();
        done = resolve;
        setTimeout(resolve, 120_000).unref();
      }),
  };
}

let seq = 0;
function send(r: Relay, visitor: WebSocket): void {
  const text = `bench:${++seq}`;
  r.sentAt.set(text, performance.now());
  visitor.send(JSON.stringify({ type: 'message', clientId: `bench${seq.toString().padStart(8, '0')}`, text }));
}

/** `RATE` messages a second for `seconds`, visitors taking turns; p50/p99 of visitor → agent socket. */
async function paced(r: Relay, seconds = SECONDS): Promise<{ p50: number; p99: number; max: number; lost: number }> {
  r.latencies.length = 0;
  const total = RATE * seconds;
  r.expect(total);
  let sent = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      // Catch up to where the clock says we should be, so timer jitter does not lower the rate.
      const due = Math.min(total, Math.round(((performance.now() - t0) / 1000) * RATE));
      while (sent < due) send(r, r.visitors[sent++ % r.visitors.length]!);
      if (sent >= total) resolve();
      else setTimeout(tick, 10);
    };
    tick();
  });
  await r.delivered();
  const lost = total - r.latencies.length;
  return { p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99), max: Math.max(...r.latencies), lost };
}

/** As fast as the relay takes them, with a bounded number in flight: messages per second end to end. */
async function burst(r: Relay): Promise<number> {
  r.latencies.length = 0;
  r.expect(BURST);
  const window = 256;
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (sent < BURST && sent - r.latencies.length < window) send(r, r.visitors[sent++ % r.visitors.length]!);
      // Messages lost in flight would hold the window shut for good: the burst ends after two minutes.
      if (sent >= BURST || performance.now() - t0 > 120_000) resolve();
      else setImmediate(pump);
    };
    pump();
  });
  await r.delivered();
  return (r.latencies.length / (performance.now() - t0)) * 1000;
}

async function kefuRun(figures: Figure[]): Promise<number> {
  const server = await startServer('kefu');
  // Start-up work (the search thread catching up, first cron ticks) settles before the reading.
  await new Promise((r) => setTimeout(r, 5000));
  memoryFigures(figures, server, 'right after start (idle)', true);
  const base = `127.0.0.1:${server.port}`;
  const headers = { origin: PAGE, 'content-type': 'application/json' };
  log(`kefu: creating ${VISITORS} visitors ...`);
  const tokens: string[] = new Array(VISITORS);
  let t = performance.now();
  await pool([...Array(VISITORS).keys()], 32, async (_x, i) => {
    const res = await fetch(`http://${base}/api/v1/widget/bench/session`, { method: 'POST', headers, body: '{}' });
    if (!res.ok) throw new Error(`session ${res.status} ${await res.text()}`);
    tokens[i] = ((await res.json()) as { token: string }).token;
  });
  figures.push({ name: 'visitor sessions created per second', value: (VISITORS / (performance.now() - t)) * 1000, unit: '/s' });
  t = performance.now();
  const visitors: WebSocket[] = new Array(VISITORS);
  await pool(tokens, 128, async (token, i) => {
    visitors[i] = await openSocket(`ws://${base}/api/v1/widget/bench/ws?vt=${encodeURIComponent(token)}&po=${encodeURIComponent(PAGE)}`, { origin: PAGE });
  });
  figures.push({ name: `kefu: ${VISITORS} visitor sockets opened in`, value: performance.now() - t, unit: 'ms' });
  const agent = await openSocket(`ws://${base}/api/v1/ws?token=${server.token}`);
  const open = visitors.filter((v) => v.readyState === WebSocket.OPEN).length;
  figures.push({ name: 'kefu: visitor sockets held open', value: open, unit: '', target: `> ${VISITORS - 1}` });
  memoryFigures(figures, server, `with ${VISITORS} visitors (idle)`, false);
  const cookies = server.cookies ?? [];
  const agentsChild = cookies.length > 0 ? await agentSockets(`ws://${base}/api/v1/ws`, cookies) : null;
  if (agentsChild) memoryFigures(figures, server, `with ${VISITORS} visitors and ${cookies.length} agent sockets (idle)`, true);

  const r = relay(visitors, agent);
  // The first seconds after start-up include compiling every code path of a message (JIT, prepared
  // statements): reported on their own, then the steady state is measured.
  log(`kefu: ${RATE} msg/s for ${WARMUP_SECONDS} s from a cold start ...`);
  const cold = await paced(r, WARMUP_SECONDS);
  figures.push({ name: `kefu: visitor→agent p99 at ${RATE} msg/s, first ${WARMUP_SECONDS} s after start`, value: cold.p99, unit: 'ms' });
  log(`kefu: ${RATE} msg/s for ${SECONDS} s ...`);
  const { value: p, cpuMs: pacedCpu } = await withServerCpu(server, () => paced(r));
  // Most paced messages are a visitor's first (a new contact and ticket); the burst mostly continues chats.
  figures.push({ name: 'kefu: server CPU per message, paced run', value: pacedCpu / (RATE * SECONDS), unit: 'ms' });
  figures.push({ name: `kefu: visitor→agent p50 at ${RATE} msg/s`, value: p.p50, unit: 'ms' });
  figures.push({ name: `kefu: visitor→agent p99 at ${RATE} msg/s`, value: p.p99, unit: 'ms', target: '< 50' });
  figures.push({ name: `kefu: visitor→agent max at ${RATE} msg/s`, value: p.max, unit: 'ms' });
  figures.push({ name: 'kefu: messages not at the agent 120 s after the last send', value: p.lost + cold.lost, unit: '', target: '< 1' });
  const withAgents = agentsChild ? ` and ${cookies.length} agent sockets` : '';
  const loaded = await usageOf(server, true);
  memoryFigures(figures, server, `with ${VISITORS} visitors${withAgents} after load`, agentsChild !== null);
  if (!server.production) {
    figures.push({ name: 'kefu: of which V8 heap in use', value: mb(loaded.heapUsed), unit: 'MB' });
    figures.push({ name: 'kefu: V8 heap still reachable after a full GC', value: mb(loaded.liveHeap), unit: 'MB' });
    figures.push({ name: 'kefu: of which outside the heap (Buffers, native)', value: mb(loaded.external), unit: 'MB' });
  }
  const snapshot = process.env.KEFU_BENCH_HEAP_SNAPSHOT;
  if (snapshot && server.production) {
    log(`kefu: heap snapshot written: ${await signalledSnapshot(server.child, snapshot)}`);
  } else if (snapshot) {
    const written = await new Promise<unknown>((resolve) => {
      server.child.once('message', resolve);
      server.child.send({ snapshot });
    });
    log(`kefu: heap snapshot written: ${JSON.stringify(written)}`);
  }
  log(`kefu: burst of ${BURST} ...`);
  const { value: throughput, cpuMs } = await withServerCpu(server, () => burst(r));
  figures.push({ name: 'kefu: max relay throughput', value: throughput, unit: 'msg/s' });
  // The server's own CPU per relayed message: what a busy, shared machine does not distort.
  figures.push({ name: 'kefu: server CPU per relayed message', value: cpuMs / BURST, unit: 'ms' });
  for (const v of visitors) v.terminate();
  agent.terminate();
  agentsChild?.stdin?.write('quit\n');
  server.child.kill('SIGTERM');
  return throughput;
}

async function bareRun(figures: Figure[]): Promise<number> {
  const server = await startServer('bare');
  const base = `ws://127.0.0.1:${server.port}`;
  const visitors: WebSocket[] = new Array(VISITORS);
  await pool([...Array(VISITORS).keys()], 128, async (_x, i) => {
    visitors[i] = await openSocket(`${base}/visitor`);
  });
  const agent = await openSocket(`${base}/agent`);
  figures.push({ name: `bare ws: server RSS with ${VISITORS} sockets`, value: mb(await rssOf(server)), unit: 'MB' });
  const r = relay(visitors, agent);
  const p = await paced(r);
  figures.push({ name: `bare ws: visitor→agent p99 at ${RATE} msg/s`, value: p.p99, unit: 'ms' });
  const { value: throughput, cpuMs } = await withServerCpu(server, () => burst(r));
  figures.push({ name: 'bare ws: max relay throughput', value: throughput, unit: 'msg/s' });
  figures.push({ name: 'bare ws: server CPU per relayed message', value: cpuMs / BURST, unit: 'ms' });
  for (const v of visitors) v.terminate();
  agent.terminate();
  server.child.kill('SIGTERM');
  return throughput;
}

const figures: Figure[] = [];
const bare = await bareRun(figures);
const kefu = await kefuRun(figures);
figures.push({ name: 'kefu throughput as a fraction of bare ws', value: kefu / bare, unit: '' });
report(figures);
process.exit(0);
