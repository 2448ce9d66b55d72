import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ParsePool, parsePool } from '../../../../server/channels/email/parse-pool.js';
import { parseEmail, type ParseOptions } from '../../../../server/channels/email/parse.js';
import { createContext } from '../../../../server/context.js';
import { configFromObject } from '../../../../server/config/load.js';
import { createLogger } from '../../../../server/logger.js';
import { tempDir } from '../../../helpers/app.js';
import { buildMail } from './mail-builder.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures/email');
const FILES = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml')).sort();
const OPTS: ParseOptions = { maxAttachmentBytes: 25 * 1024 * 1024 };
const raw = (file: string): Buffer => readFileSync(path.join(FIXTURES, file));

/** A pino logger whose lines land in an array, to count what the pool logged. */
function capturingLogger(): { logger: pino.Logger; lines: Array<{ msg: string; level: number }> } {
  const lines: Array<{ msg: string; level: number }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as { msg: string; level: number });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

/** A mail big enough that parsing it takes a few milliseconds, so a worker is caught mid-parse. */
function bulkyMail(i: number): Buffer {
  const body = Array.from({ length: 400 }, (_, n) => `Line ${n} of mail ${i}: my parcel has not arrived, 我的包裹还没有到。`).join('\r\n');
  return buildMail({ messageId: `bulky-${i}@example.org`, subject: `Parcel ${i}`, body });
}

const pools: ParsePool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('email parse pool', () => {
  it('returns exactly what inline parsing returns for every fixture, attachments as byte-equal Buffers', async () => {
    const pool = new ParsePool({ logger: createLogger('silent', { pretty: false }) });
    pools.push(pool);
    expect(FILES.length).toBeGreaterThanOrEqual(25);
    const pooled = await Promise.all(FILES.map((f) => pool.parse(raw(f), OPTS)));
    let attachments = 0;
    for (const [i, file] of FILES.entries()) {
      const inline = await parseEmail(raw(file), OPTS);
      const viaPool = pooled[i];
      expect(viaPool, file).toStrictEqual(inline);
      for (const [j, a] of (viaPool?.attachments ?? []).entries()) {
        attachments += 1;
        expect(Buffer.isBuffer(a.content), `${file} attachment ${j}`).toBe(true);
        expect(a.content.equals(inline.attachments[j]?.content ?? Buffer.alloc(0)), `${file} attachment ${j}`).toBe(true);
      }
    }
    expect(attachments).toBeGreaterThan(0);
    // Every one really crossed a thread: none fell back to the main thread.
    expect(pool.stats()).toMatchObject({ parsedInline: 0, disabled: false });
    expect(pool.stats().workers).toBeGreaterThanOrEqual(1);
  });

  it('loses no mail when its worker is killed mid-parse, and replaces the worker', async () => {
    const pool = new ParsePool({ logger: createLogger('silent', { pretty: false }), size: 1 });
    pools.push(pool);
    const mails = Array.from({ length: 12 }, (_, i) => bulkyMail(i));
    const results = mails.map((m) => pool.parse(m, OPTS));
    await results[0];
    const [victim] = pool.threads;
    expect(victim).toBeDefined();
    expect(pool.stats().inFlight).toBeGreaterThan(0);
    await victim?.terminate();

    const parsed = await Promise.all(results);
    for (const [i, p] of parsed.entries()) expect(p).toStrictEqual(await parseEmail(mails[i] as Buffer, OPTS));
    // The mails the dead worker held were parsed on the main thread ...
    const inlineAfterKill = pool.stats().parsedInline;
    expect(inlineAfterKill).toBeGreaterThan(0);
    // ... and a new worker took over the rest and what comes next.
    const next = await pool.parse(bulkyMail(99), OPTS);
    expect(next.messageId).toBe('bulky-99@example.org');
    expect(pool.stats()).toMatchObject({ workers: 1, parsedInline: inlineAfterKill, disabled: false });
    expect(pool.threads[0]).not.toBe(victim);
  });

  it('parses inline, and says so once, when no worker can start', async () => {
    const { logger, lines } = capturingLogger();
    const pool = new ParsePool({ logger, script: { url: new URL('./no-such-parse-worker.js', import.meta.url) } });
    pools.push(pool);
    const mails = FILES.slice(0, 6).map(raw);
    const first = await Promise.all(mails.map((m) => pool.parse(m, OPTS)));
    const second = await Promise.all(mails.map((m) => pool.parse(m, OPTS)));
    for (const [i, m] of mails.entries()) {
      const inline = await parseEmail(m, OPTS);
      expect(first[i]).toStrictEqual(inline);
      expect(second[i]).toStrictEqual(inline);
    }
    expect(pool.stats()).toMatchObject({ disabled: true, workers: 0 });
    expect(lines.filter((l) => /cannot start/.test(l.msg))).toHaveLength(1);
  });

  it('ends its worker threads when the context closes', async () => {
    const dir = tempDir('kefu-parse-pool-');
    const ctx = await createContext(configFromObject({ data_dir: dir, log: { level: 'silent' } }), createLogger('silent', { pretty: false }));
    const pool = parsePool(ctx);
    expect(parsePool(ctx)).toBe(pool);
    await pool.parse(buildMail({ messageId: 'ctx-close@example.org' }), OPTS);
    const [worker] = pool.threads;
    if (!worker) throw new Error('no worker started');
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await ctx.close();
    await exited;
    rmSync(dir, { recursive: true, force: true });
    expect(pool.threads).toHaveLength(0);
    // A late caller still gets its mail parsed.
    expect((await pool.parse(buildMail({ messageId: 'after-close@example.org' }), OPTS)).messageId).toBe('after-close@example.org');
  });
});
