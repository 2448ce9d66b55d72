/**
 * Webhook intake over a real listening server: signed API channel messages and Telegram updates
 * (secret header) POSTed by keep-alive clients, each answered only once its message is committed.
 * Half the messages continue a conversation, half start one. Target: > 1,000 messages/s per channel.
 * KEFU_BENCH_MESSAGES and KEFU_BENCH_CONCURRENCY change the load.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPerCore, report, type Figure } from './lib.js';

const MESSAGES = Number(process.env.KEFU_BENCH_MESSAGES ?? 6000);
const CONCURRENCY = Number(process.env.KEFU_BENCH_CONCURRENCY ?? 64);
const here = path.dirname(fileURLToPath(import.meta.url));
const API_SECRET = 'bench-api-secret-0123456789';
const TG_SECRET = 'bench-telegram-secret';

// KEFU_BENCH_PROFILE=<dir> writes a CPU profile of the server process there.
const profile = process.env.KEFU_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.KEFU_BENCH_PROFILE}`] : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(here, 'channels-server.ts')], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const port = await new Promise<number>((resolve, reject) => {
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += String(d);
    const line = buf.split('\n').find((l) => l.startsWith('READY '));
    if (line) resolve((JSON.parse(line.slice(6)) as { port: number }).port);
  });
  child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const serverCpuMs = () =>
  new Promise<number>((resolve) => {
    child.once('message', (m) => resolve((m as { cpuMs: number }).cpuMs));
    child.send('usage');
  });

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(pathname: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function apiMessage(i: number, run: string): [string, Record<string, string>, string] {
  const body = JSON.stringify({ messageId: `${run}-${i}`, sender: { id: `u${i % 2 === 0 ? i : i - 1}`, name: `Customer ${i}` }, text: `Where is my order ${i}? It was due yesterday.` });
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac('sha256', API_SECRET).update(`${ts}.${body}`).digest('hex');
  return ['/api/v1/channels/api/app/messages', { 'content-type': 'application/json', 'x-kefu-timestamp': ts, 'x-kefu-signature': `sha256=${sig}` }, body];
}

function telegramUpdate(i: number, run: string): [string, Record<string, string>, string] {
  const user = 100_000 + (i % 2 === 0 ? i : i - 1) + (run === 'warm' ? 10_000_000 : 0);
  const body = JSON.stringify({
    update_id: i,
    message: { message_id: i, from: { id: user, is_bot: false, first_name: 'Ivan', last_name: `P${i}` }, chat: { id: user, type: 'private' }, date: Math.floor(Date.now() / 1000), text: `Hello, message ${i}` },
  });
  return ['/webhooks/telegram/bot', { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET }, body];
}

async function run(make: (i: number, run: string) => [string, Record<string, string>, string], count: number, tag: string): Promise<{ perSecond: number; cpuPerMessageMs: number }> {
  let next = 0;
  let failed = 0;
  const cpu0 = await serverCpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const [p, h, b] = make(next++, tag);
        if ((await post(p, h, b)) !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpuMs = (await serverCpuMs()) - cpu0;
  if (failed > 0) throw new Error(`${failed} of ${count} requests failed`);
  return { perSecond: count / seconds, cpuPerMessageMs: cpuMs / count };
}

const figures: Figure[] = [];
console.log(`${MESSAGES} messages per channel, ${CONCURRENCY} concurrent; load per core ${loadPerCore().toFixed(2)}`);
await run(apiMessage, 500, 'warm');
const api = await run(apiMessage, MESSAGES, 'run');
figures.push({ name: 'API channel intake (signed)', value: api.perSecond, unit: 'msg/s', target: '> 1000' });
figures.push({ name: 'API channel server CPU per message', value: api.cpuPerMessageMs, unit: 'ms' });
// On a shared machine wall time includes waiting for a core; what one idle core sustains is 1000 ms / CPU per message.
figures.push({ name: 'API channel capacity on one idle core', value: 1000 / api.cpuPerMessageMs, unit: 'msg/s', target: '> 1000' });
await run(telegramUpdate, 500, 'warm');
const tg = await run((i, r) => telegramUpdate(i + 1_000_000, r), MESSAGES, 'run');
figures.push({ name: 'Telegram webhook intake (secret checked)', value: tg.perSecond, unit: 'msg/s', target: '> 1000' });
figures.push({ name: 'Telegram server CPU per message', value: tg.cpuPerMessageMs, unit: 'ms' });
figures.push({ name: 'Telegram capacity on one idle core', value: 1000 / tg.cpuPerMessageMs, unit: 'msg/s', target: '> 1000' });
report(figures);
agent.destroy();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
