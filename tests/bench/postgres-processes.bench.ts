/**
 * Intake on PostgreSQL with one and with two `kefu serve` processes sharing one database and one
 * config file (each its own port, KEFU_PORT): signed API channel messages POSTed by keep-alive
 * clients, each answered once its message is committed. Half continue a conversation, half start
 * one. Target: two processes take at least 1.5× the messages per second of one.
 * Reports wall throughput and CPU per message of the Kefu processes and of PostgreSQL's backends.
 * KEFU_BENCH_MESSAGES and KEFU_BENCH_CONCURRENCY change the load; KEFU_BENCH_PG_URL uses an
 * existing empty database instead of a throwaway cluster; KEFU_BENCH_PROFILE=<dir> profiles the servers.
 *
 * History (CPU per message, Kefu + PostgreSQL; wall figures only on a quiet machine):
 * - quiet machine: one process 533 msg/s, two 739 msg/s (1.39x); Kefu ~1.27 + PostgreSQL ~0.95 ms in both.
 * - each journaled event crossing once (journal notifications only, not the relay as well) and 15.6 ->
 *   11.9 statements per message (pg_stat_statements), medians of eight alternating runs on a machine
 *   shared with other work (load 2-16 on two cores): one process Kefu 1.42 + PostgreSQL 1.10 ->
 *   1.20 + 0.91 ms, two processes 1.70 + 1.27 -> 1.27 + 1.03 ms. Wall ratio 1.34x -> 1.40x, but single
 *   runs of either swung 0.8-1.8x with the load; a quiet run is still owed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { createHmac } from 'node:crypto';
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/dovecot.js';
import { startPostgres, type PostgresCluster } from '../helpers/postgres.js';
import { loadPerCore, postgresServerCpuMs, report, type Figure } from './lib.js';

const MESSAGES = Number(process.env.KEFU_BENCH_MESSAGES ?? 4000);
const CONCURRENCY = Number(process.env.KEFU_BENCH_CONCURRENCY ?? 64);
const SECRET = 'bench-api-secret-0123456789';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const figures: Figure[] = [];
const log = (s: string) => console.log(s);
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU ms of a process and its threads so far, from /proc. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The bench database's postmaster: its children are the server's processes (other clusters on the machine are not counted). */
async function postmasterOf(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const dir = (await client.query<{ setting: string }>(`select setting from pg_settings where name = 'data_directory'`)).rows[0]?.setting ?? '';
    return Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } finally {
    await client.end();
  }
}

let cluster: PostgresCluster | null = null;
const url = process.env.KEFU_BENCH_PG_URL ?? (await (async () => {
  cluster = await startPostgres();
  return cluster.createDatabase();
})());
const postmaster = await postmasterOf(url);
const postgresCpu = (): number => postgresServerCpuMs(postmaster);
const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-pg-processes-'));
const configFile = path.join(dir, 'config.yaml');
writeFileSync(
  configFile,
  [
    `data_dir: ${JSON.stringify(path.join(dir, 'data'))}`,
    'log: { level: warn }',
    `database: { driver: postgres, url: ${JSON.stringify(url)}, pool_size: 10 }`,
    'channels:',
    '  api:',
    `    - { name: app, secret: ${SECRET}, callback_url: "http://127.0.0.1:9/unused" }`,
    '',
  ].join('\n'),
);

// KEFU_BENCH_PROFILE=<dir> writes a CPU profile of each server process there.
const profile = process.env.KEFU_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KEFU_BENCH_PROFILE}`] : [];

interface Server {
  child: ChildProcess;
  port: number;
}

async function startServer(): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'server/cli.ts'), 'serve', '--config', configFile], {
    cwd: root,
    env: { ...process.env, KEFU_PORT: String(port), KEFU_HOST: '127.0.0.1' },
    // Kefu logs JSON on stdout: warnings and errors are kept in the data dir's neighbour for a failed run.
    stdio: ['ignore', openSync(path.join(dir, `serve-${port}.log`), 'a'), 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`kefu serve exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (up) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('kefu serve did not become ready');
}

async function stop(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function post(port: number, body: string): Promise<{ status: number; text: string }> {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
  const headers = { 'content-type': 'application/json', 'x-kefu-timestamp': ts, 'x-kefu-signature': `sha256=${sig}`, 'content-length': String(Buffer.byteLength(body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/v1/channels/api/app/messages', method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `total` messages spread over the servers' ports; returns messages per wall second and CPU ms per message. */
async function load(label: string, servers: Server[], total: number): Promise<{ perSecond: number; kefuCpu: number; pgCpu: number }> {
  const run = `${label.replace(/\W+/g, '-')}-${Date.now().toString(36)}`;
  const cpu0 = servers.map((s) => cpuOf(s.child.pid ?? 0));
  const pg0 = postgresCpu();
  const t0 = performance.now();
  let next = 0;
  let failures = 0;
  let firstFailure = '';
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      const port = servers[worker % servers.length]!.port;
      // A conversation is started, and continued once the start was answered, by one client: its
      // two messages sent at the same moment would have raced each other for the new contact.
      while (next < total) {
        const first = next;
        next += 2;
        for (const i of [first, first + 1].filter((n) => n < total)) {
          const body = JSON.stringify({ messageId: `${run}-${i}`, sender: { id: `${run}-u${first}`, name: `Customer ${first}` }, text: `Where is my order ${i}? It was due yesterday.` });
          const res = await post(port, body);
          if (res.status >= 300) {
            failures++;
            firstFailure ||= `${res.status} ${res.text.slice(0, 300)}`;
          }
        }
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  if (failures > 0) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.log'))) log(readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.includes('"level":50')).slice(0, 2).join('\n'));
  }
  if (failures > 0) throw new Error(`${label}: ${failures} of ${total} messages were refused; the first: ${firstFailure}`);
  const kefuCpu = servers.reduce((sum, s, i) => sum + cpuOf(s.child.pid ?? 0) - cpu0[i]!, 0) / total;
  const pgCpu = (postgresCpu() - pg0) / total;
  const perSecond = total / wall;
  log(
    `${label}: ${total} messages in ${wall.toFixed(1)} s, ${perSecond.toFixed(0)}/s; CPU per message: Kefu ${kefuCpu.toFixed(2)} ms, PostgreSQL ${pgCpu.toFixed(2)} ms` +
      ` (${(1000 / (kefuCpu + pgCpu)).toFixed(0)} messages per CPU-second)`,
  );
  return { perSecond, kefuCpu, pgCpu };
}

const servers: Server[] = [];
try {
  const a = await startServer();
  servers.push(a);
  await load('warm-up, one process', [a], 500);
  const one = await load('one process', [a], MESSAGES);
  const b = await startServer();
  servers.push(b);
  // B warms up on as many messages as A did before its measured run (JIT, statement caches).
  await load('warm-up, two processes', [a, b], 1000);
  const two = await load('two processes', [a, b], MESSAGES);
  figures.push({ name: 'API intake on PostgreSQL, one process', value: one.perSecond, unit: 'msg/s' });
  figures.push({ name: 'API intake on PostgreSQL, two processes', value: two.perSecond, unit: 'msg/s' });
  const ratio = two.perSecond / one.perSecond;
  figures.push({ name: 'two processes / one', value: ratio, unit: '×', target: '>= 1.5' });
  log(`issue #19 target, two processes >= 1.5× one: ${ratio.toFixed(2)}× ${ratio >= 1.5 ? 'PASS' : 'MISS'} (load average ${os.loadavg().map((n) => n.toFixed(2)).join(' ')})`);
  figures.push({ name: 'Kefu CPU per message, one process', value: one.kefuCpu, unit: 'ms' });
  figures.push({ name: 'Kefu CPU per message, two processes', value: two.kefuCpu, unit: 'ms' });
  figures.push({ name: 'PostgreSQL CPU per message, one process', value: one.pgCpu, unit: 'ms' });
  figures.push({ name: 'PostgreSQL CPU per message, two processes', value: two.pgCpu, unit: 'ms' });
  figures.push({ name: 'messages per CPU-second (Kefu + PostgreSQL), one process', value: 1000 / (one.kefuCpu + one.pgCpu), unit: 'msg/CPU-s' });
  figures.push({ name: 'messages per CPU-second (Kefu + PostgreSQL), two processes', value: 1000 / (two.kefuCpu + two.pgCpu), unit: 'msg/CPU-s' });
  figures.push({ name: 'cores on this machine', value: os.availableParallelism(), unit: '' });
  figures.push({ name: 'load average per core (1 = busy)', value: loadPerCore(), unit: '' });
} finally {
  await Promise.all(servers.map(stop));
  agent.destroy();
  (cluster as PostgresCluster | null)?.stop();
  rmSync(dir, { recursive: true, force: true });
}
report(figures);
