import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { readFileSync, rmSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { tempDir } from '../helpers/app.js';
import { signedPush } from '../helpers/fake-wechat.js';
import { loadPerCore, percentile, report } from './lib.js';

/**
 * Safe-mode WeChat pushes per second over a real listening server: each one signature-checked,
 * decrypted, parsed and committed through intake before `success` goes back, as WeChat's 5-second
 * rule needs. The pushes are signed and encrypted before the clock starts (that is WeChat's work).
 * The client (WeChat's side) runs on a worker thread, so the server's main-thread CPU per push is
 * measured on its own: on a shared, busy machine wall time mostly measures waiting for a core.
 * Sizes: KEFU_BENCH_WECHAT_PUSHES (default 5000), KEFU_BENCH_WECHAT_CONCURRENCY (default 32, the
 * connections WeChat's servers keep open to one account's URL at a busy moment).
 */
const N = Number(process.env.KEFU_BENCH_WECHAT_PUSHES ?? 5000);
const CONCURRENCY = Number(process.env.KEFU_BENCH_WECHAT_CONCURRENCY ?? 32);
const CUSTOMERS = 500;
const TOKEN = 'benchToken01';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const APP_ID = 'wx5823bf96d3bd56c7';

const TEXTS = ['你好，我的订单还没有发货，能帮我查一下吗？', 'Hi, is the blue jacket back in stock in size M?', '请问发票什么时候可以开好？谢谢', '退货地址是哪里？'];
function pushes(run: string, n: number): Array<{ path: string; body: string }> {
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: n }, (_, i) => {
    const fields = { ToUserName: 'gh_bench', FromUserName: `o_bench_${i % CUSTOMERS}`, CreateTime: now, MsgType: 'text', Content: TEXTS[i % TEXTS.length] as string, MsgId: `${run}${i}` };
    const signed = signedPush({ token: TOKEN, encodingAesKey: AES_KEY, receiverId: APP_ID }, fields, 'safe', { timestamp: String(now), nonce: String(100000 + i) });
    return { path: `/webhooks/wechat/mp?${signed.query}`, body: signed.body };
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
let port = 0;
function post(p: { path: string; body: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p.path, method: 'POST', agent, headers: { 'content-type': 'text/xml' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 200 && text === 'success' ? resolve() : reject(new Error(`${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(p.body);
  });
}

async function run(list: Array<{ path: string; body: string }>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) {
        const item = list[next++] as { path: string; body: string };
        const s = performance.now();
        await post(item);
        latencies.push(performance.now() - s);
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies };
}


interface ClientJob {
  port: number;
  run: string;
  n: number;
}
interface ClientResult {
  seconds: number;
  latencies: number[];
}

/** CPU milliseconds of the main thread alone (Linux /proc; its task id is the pid), or null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

if (!isMainThread) {
  const job = workerData as ClientJob;
  port = job.port;
  const list = pushes(job.run, job.n);
  parentPort?.postMessage('ready');
  parentPort?.once('message', () => {
    void run(list).then((r) => {
      agent.destroy();
      parentPort?.postMessage(r);
    });
  });
} else {
  await serve();
}

/** Runs one batch of pushes from a worker thread: signed and encrypted first, timed from the go signal. */
async function client(job: ClientJob): Promise<ClientResult> {
  // The worker loads this TypeScript file too: it registers the TypeScript loader first, as Node 20
  // does not hand a worker the main thread's.
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  await new Promise((resolve) => worker.once('message', resolve));
  const done = new Promise<ClientResult>((resolve, reject) => {
    worker.once('message', (r: ClientResult) => resolve(r));
    worker.once('error', reject);
  });
  worker.postMessage('go');
  const result = await done;
  await worker.terminate();
  return result;
}

async function serve(): Promise<void> {
  const dataDir = tempDir('kefu-bench-wechat-');
  const config = configFromObject({
    data_dir: dataDir,
    log: { level: 'silent' },
    channels: { wechat: [{ name: 'mp', app_id: APP_ID, app_secret: 'unused', token: TOKEN, encoding_aes_key: AES_KEY, api_base_url: 'http://127.0.0.1:9' }] },
  });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const app = await buildApp(ctx, { webRoot: null });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  await client({ port, run: 'warm', n: 300 });
  const cpu0 = mainThreadCpuMs();
  const { seconds, latencies } = await client({ port, run: 'm', n: N });
  const cpu1 = mainThreadCpuMs();
  const stored = await ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  // The same pushes again, as WeChat's retries: answered, nothing stored twice.
  const replay = await client({ port, run: 'm', n: 1000 });
  const after = await ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  if (Number(after.n) !== Number(stored.n) || Number(stored.n) !== N + 300) throw new Error(`stored ${stored.n}, then ${after.n}; expected ${N + 300}`);

  console.log(`  ${N} safe-mode pushes, ${CONCURRENCY} connections, ${CUSTOMERS} customers; load per core ${loadPerCore().toFixed(2)}`);
  report([
    { name: 'safe-mode pushes per second (verify, decrypt, commit)', value: N / seconds, unit: '/s', target: '> 1000' },
    { name: 'push answered p50', value: percentile(latencies, 50), unit: 'ms' },
    { name: 'push answered p99', value: percentile(latencies, 99), unit: 'ms', target: '< 100' },
    ...(cpu0 !== null && cpu1 !== null
      ? [
          { name: 'server main-thread CPU per push', value: (cpu1 - cpu0) / N, unit: 'ms' },
          { name: 'pushes per second one free core can take', value: N / ((cpu1 - cpu0) / 1000), unit: '/s', target: '> 1000' },
        ]
      : []),
    { name: 'replayed pushes per second (deduplicated)', value: 1000 / replay.seconds, unit: '/s' },
  ]);

  await app.close();
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
}
