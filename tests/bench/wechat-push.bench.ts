import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { rmSync } from 'node:fs';
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
 * Sizes: KEFU_BENCH_WECHAT_PUSHES (default 5000), KEFU_BENCH_WECHAT_CONCURRENCY (default 32, the
 * connections WeChat's servers keep open to one account's URL at a busy moment).
 */
const N = Number(process.env.KEFU_BENCH_WECHAT_PUSHES ?? 5000);
const CONCURRENCY = Number(process.env.KEFU_BENCH_WECHAT_CONCURRENCY ?? 32);
const CUSTOMERS = 500;
const TOKEN = 'benchToken01';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const APP_ID = 'wx5823bf96d3bd56c7';

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

await run(pushes('warm', 300));
const measured = pushes('m', N);
const cpu0 = process.cpuUsage();
const { seconds, latencies } = await run(measured);
const cpu = process.cpuUsage(cpu0);
const stored = await ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
// The same pushes again, as WeChat's retries: answered, nothing stored twice.
const replay = await run(measured.slice(0, 1000));
const after = await ctx.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
if (Number(after.n) !== Number(stored.n) || Number(stored.n) !== N + 300) throw new Error(`stored ${stored.n}, then ${after.n}; expected ${N + 300}`);

console.log(`  ${N} safe-mode pushes, ${CONCURRENCY} connections, ${CUSTOMERS} customers; load per core ${loadPerCore().toFixed(2)}`);
report([
  { name: 'safe-mode pushes per second (verify, decrypt, commit)', value: N / seconds, unit: '/s', target: '> 1000' },
  { name: 'push answered p50', value: percentile(latencies, 50), unit: 'ms' },
  { name: 'push answered p99', value: percentile(latencies, 99), unit: 'ms', target: '< 100' },
  { name: 'server CPU per push', value: ((cpu.user + cpu.system) / 1000) / N, unit: 'ms' },
  { name: 'replayed pushes per second (deduplicated)', value: 1000 / replay.seconds, unit: '/s' },
]);

agent.destroy();
await app.close();
await ctx.close();
rmSync(dataDir, { recursive: true, force: true });
