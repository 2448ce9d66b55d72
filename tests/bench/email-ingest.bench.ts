import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AppContext } from '../../server/context.js';
import { dovecotUnavailable, startDovecot } from '../helpers/dovecot.js';
import { tempDir } from '../helpers/app.js';
import { mb, report, threadBreakdown, threadCpuMs, type Figure } from './lib.js';

/**
 * Raw emails per second through the pipe path (parse → thread → intake, as the HTTP upload runs
 * it) and through IMAP from a real Dovecot, with heap samples along the way. The pipe path runs
 * one mail at a time (a lone mail is parsed inline) and with 4 in flight, as concurrent MTA
 * deliveries: those parse on the worker pool while earlier ones are stored.
 * Sizes: KEFU_BENCH_EMAILS (pipe, default 1000), KEFU_BENCH_IMAP_EMAILS (default 1000; 10000 for
 * the "large mailbox" memory check).
 * KEFU_BENCH_SERVER=dist runs the server's modules from the build in dist/ (`npm run build:server`
 * first) with source maps off, as `kefu serve` runs them; the CPU figures are meant for that. From
 * the TypeScript sources, tsx's loader and the source maps it turns on cost CPU that production
 * does not pay: every Error the MIME parser makes has its stack mapped, and the parse worker runs
 * tsx's loader too.
 */
const FROM_DIST = process.env.KEFU_BENCH_SERVER === 'dist';
if (FROM_DIST) process.setSourceMapsEnabled(false);
const serverModule = async <T>(name: string): Promise<T> => (await import(`../../${FROM_DIST ? 'dist/server' : 'server'}/${name}.js`)) as T;
const { ImapReceiver } = await serverModule<typeof import('../../server/channels/email/imap-receiver.js')>('channels/email/imap-receiver');
const { ingestRawEmail, parseRawEmail } = await serverModule<typeof import('../../server/channels/email/ingest.js')>('channels/email/ingest');
const { configFromObject } = await serverModule<typeof import('../../server/config/load.js')>('config/load');
const { createContext } = await serverModule<typeof import('../../server/context.js')>('context');
const { createLogger } = await serverModule<typeof import('../../server/logger.js')>('logger');
const PIPE_N = Number(process.env.KEFU_BENCH_EMAILS ?? 1000);
const IMAP_N = Number(process.env.KEFU_BENCH_IMAP_EMAILS ?? 1000);

const PARAGRAPHS = [
  'Hello, I ordered a pair of running shoes last week (order 55231) and the tracking page still says the label was created.',
  '您好，我上周下的订单到现在还没有发货，麻烦帮我查一下物流信息，谢谢！如果缺货的话请直接退款。',
  'Could you also check whether the invoice can be issued to my company name? We need it for our accounts before month end.',
  'お世話になっております。注文した商品がまだ届いておりません。ご確認をお願いいたします。',
];

/** A typical ~20 KB customer mail: text and HTML alternatives, quoted history, a few replies threaded. */
function mail(i: number, run: string): Buffer {
  const body: string[] = [];
  while (body.join('\n').length < 4200) body.push(PARAGRAPHS[(i + body.length) % PARAGRAPHS.length] as string);
  const text = `${body.join('\n\n')}\n\nOn Mon, 4 Mar 2024 at 16:20, Acme Support <support@example.com> wrote:\n> ${PARAGRAPHS[0]}\n`;
  const html = `<div dir="ltr">${body.map((p) => `<p style="color:#222">${p}</p>`).join('')}<img src="https://tracker.example/p.gif"></div><div class="gmail_quote"><blockquote>${PARAGRAPHS[0]}</blockquote></div>`;
  const b64 = (s: string) => Buffer.from(s).toString('base64').replace(/.{76}/g, '$&\r\n');
  const reply = i % 3 === 2 ? `In-Reply-To: <bench-${run}-${i - 1}@example.org>\r\n` : '';
  return Buffer.from(
    `From: Customer ${i % 500} <customer${i % 500}@example.org>\r\nTo: support@example.com\r\nSubject: Order question ${i}\r\n` +
      `Date: Mon, 11 Mar 2024 10:00:00 +0000\r\nMessage-ID: <bench-${run}-${i}@example.org>\r\n${reply}MIME-Version: 1.0\r\n` +
      `Content-Type: multipart/alternative; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(text)}\r\n` +
      `--b${i}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(html)}\r\n--b${i}--\r\n`,
  );
}

/**
 * CPU milliseconds of the main thread alone (Linux: /proc, the main thread's task id is the pid),
 * or null elsewhere. With parsing on a worker, the main thread is what bounds the rate once the
 * machine has a core free for each thread.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

function mainThreadFigure(label: string, n: number, before: number | null): Figure[] {
  const after = mainThreadCpuMs();
  if (before === null || after === null) return [];
  return [{ name: `${label}: main-thread CPU per mail`, value: (after - before) / n, unit: 'ms' }];
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return mb(process.memoryUsage().heapUsed);
}

async function context(extra: Record<string, unknown>): Promise<{ ctx: AppContext; dir: string }> {
  const dir = tempDir('kefu-bench-email-');
  const config = configFromObject({ data_dir: dir, log: { level: 'silent' }, ...extra });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  // As `kefu serve` runs: the search index is written on its own thread, alongside intake.
  if (!(await ctx.search.start())) throw new Error('the search index thread did not start');
  return { ctx, dir };
}

/** A mail counts once it can be found: the figures include the index taking in the last one. */
async function searchable(ctx: AppContext): Promise<void> {
  if (!(await ctx.search.caughtUp(60_000))) throw new Error('the search index fell behind');
}

/** Runs the calls with at most `depth` in flight, as an MTA with that many concurrent deliveries. */
async function inFlight(depth: number, mails: Buffer[], fn: (raw: Buffer) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < mails.length) await fn(mails[next++] as Buffer);
  };
  await Promise.all(Array.from({ length: depth }, lane));
}

type PipeMode = { label: string; depth: number };

async function benchPipe(figures: Figure[], mode: PipeMode): Promise<void> {
  const { ctx, dir } = await context({ channels: { email: [{ name: 'support', address: 'support@example.com' }] } });
  const channel = ctx.config.channels.email[0];
  if (!channel) throw new Error('no channel');
  const ingest = (raw: Buffer) => ingestRawEmail(ctx, channel, raw);
  const sample = mail(0, 'size');
  // Warm-up also starts the parse worker where one is used, so its start-up is not in the figure.
  await inFlight(mode.depth, Array.from({ length: 50 }, (_, i) => mail(i, 'warm')), ingest);
  const mails = Array.from({ length: PIPE_N }, (_, i) => mail(i, 'pipe'));
  const heap0 = heapMb();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const threads0 = threadCpuMs();
  await inFlight(mode.depth, mails, ingest);
  await searchable(ctx);
  const seconds = (performance.now() - t0) / 1000;
  console.log(`  ${mode.label}: CPU per mail by thread: ${threadBreakdown(threads0, PIPE_N)}`);
  // process.cpuUsage covers every thread of the process, the parse workers included.
  const cpu = process.cpuUsage(cpu0);
  const mainFigure = mainThreadFigure(mode.label, PIPE_N, main0);
  const heap1 = heapMb();
  figures.push(
    { name: `${mode.label}: ${(sample.length / 1024).toFixed(0)} KB mails/s (${PIPE_N})`, value: PIPE_N / seconds, unit: 'msg/s', target: '> 200' },
    // On a shared, busy machine wall time mostly measures the neighbours; CPU time does not.
    { name: `${mode.label}: mails per CPU-second of this process`, value: PIPE_N / ((cpu.user + cpu.system) / 1e6), unit: 'msg/s' },
    ...mainFigure,
    { name: `${mode.label}: heap growth over the run`, value: heap1 - heap0, unit: 'MB' },
  );
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
}

/** Drops the mails straight into the user's maildir, as an MTA's local delivery would. */
function fillMaildir(root: string, user: string, n: number): void {
  const box = path.join(root, 'mail', user);
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(path.join(box, sub), { recursive: true });
  for (let i = 0; i < n; i++) writeFileSync(path.join(box, 'new', `${1700000000 + i}.M${i}P1.bench`), mail(i, 'imap'));
  const uid = Number(execFileSync('id', ['-u', 'dovecot']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'dovecot']).toString().trim());
  execFileSync('chown', ['-R', `${uid}:${gid}`, box]);
  chownSync(box, uid, gid);
}

async function benchImap(figures: Figure[]): Promise<void> {
  const why = IMAP_N > 0 ? dovecotUnavailable() : 'KEFU_BENCH_IMAP_EMAILS=0';
  if (why) {
    console.log(`  IMAP figures skipped: ${why}`);
    return;
  }
  const dovecot = await startDovecot();
  try {
    fillMaildir(dovecot.dir, 'bench', IMAP_N);
    const { ctx, dir } = await context({
      channels: {
        email: [{ name: 'bench', address: 'bench@example.com', imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: 'bench', password: dovecot.password } }],
      },
    });
    const channel = ctx.config.channels.email[0];
    if (!channel) throw new Error('no channel');
    // As in the pipe figures: the parse worker's start-up (once per process) is reported on its own, not in the rate.
    const warm0 = performance.now();
    await parseRawEmail(ctx, mail(0, 'warm'));
    const workerStartMs = performance.now() - warm0;
    const receiver = new ImapReceiver(ctx, channel, { pollMs: 60_000 });
    const heap: number[] = [heapMb()];
    let imported = 0;
    const done = new Promise<void>((resolve) => {
      ctx.bus.on('message.created', () => {
        imported += 1;
        if (imported % 1000 === 0) heap.push(mb(process.memoryUsage().heapUsed));
        if (imported === IMAP_N) resolve();
      });
    });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const main0 = mainThreadCpuMs();
    const threads0 = threadCpuMs();
    receiver.start();
    await done;
    await searchable(ctx);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`  IMAP: CPU per mail by thread: ${threadBreakdown(threads0, IMAP_N)}`);
    const cpu = process.cpuUsage(cpu0);
    const mainFigure = mainThreadFigure('IMAP', IMAP_N, main0);
    await receiver.stop();
    const end = heapMb();
    figures.push(
      { name: `IMAP: 20 KB mails/s from Dovecot (${IMAP_N})`, value: IMAP_N / seconds, unit: 'msg/s', target: '> 200' },
      { name: 'IMAP: mails per CPU-second of this process', value: IMAP_N / ((cpu.user + cpu.system) / 1e6), unit: 'msg/s' },
      { name: 'IMAP: parse worker start-up and first mail (before the rate)', value: workerStartMs, unit: 'ms' },
      ...mainFigure,
      { name: `IMAP: heap after import minus before (${IMAP_N} mails)`, value: end - (heap[0] ?? 0), unit: 'MB' },
      { name: 'IMAP: peak heap sampled every 1000 mails', value: Math.max(...heap, end), unit: 'MB' },
      { name: 'IMAP: process RSS at the end', value: mb(process.memoryUsage().rss), unit: 'MB' },
    );
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await dovecot.destroy();
  }
}

const figures: Figure[] = [];
await benchPipe(figures, { label: 'pipe path, one at a time', depth: 1 });
await benchPipe(figures, { label: 'pipe path, 4 mails in flight', depth: 4 });
await benchImap(figures);
report(figures);
