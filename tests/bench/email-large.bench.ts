import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ingestRawEmail } from '../../server/channels/email/ingest.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { createLogger } from '../../server/logger.js';
import { tempDir } from '../helpers/app.js';
import { mb, report } from './lib.js';

/**
 * Peak resident memory while one large mail (KEFU_BENCH_LARGE_MB, default 40 MB on the wire: a
 * short text and PDF-like attachments in base64) goes through parse and intake, as an MTA pipe
 * or upload hands it over. Reports the peak and the rise over the idle process (the mail's own
 * bytes included); the figure that matters is how many times the mail's size the rise is.
 * Run: `npm run bench -- email-large`.
 */
const SIZE_MB = Number(process.env.KEFU_BENCH_LARGE_MB ?? 40);

/**
 * Writes the mail to `file` a slice at a time, so building it leaves no garbage behind to blur
 * the figure: two PDF-like attachments, as a scanned contract and its annex would be.
 */
function writeLargeMail(file: string, sizeMb: number): void {
  const fd = openSync(file, 'w');
  const put = (s: string): void => void writeSync(fd, s);
  put(
    'From: Legal <legal@example.org>\r\nTo: support@example.com\r\nSubject: Signed contract\r\n' +
      'Date: Mon, 11 Mar 2024 10:00:00 +0000\r\nMessage-ID: <large-bench@example.org>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe signed contract and its annex are attached.\r\n',
  );
  // base64 is 4/3 of the bytes; 57 bytes make one 76-character line.
  const linesEach = Math.floor((sizeMb * 1024 * 1024) / 2 / 78);
  for (const name of ['contract.pdf', 'annex.pdf']) {
    put(`--big\r\nContent-Type: application/pdf; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n`);
    for (let i = 0; i < linesEach; i += 1000) {
      const n = Math.min(1000, linesEach - i);
      put(randomBytes(57 * n).toString('base64').replace(/.{76}/g, '$&\r\n'));
    }
  }
  put('--big--\r\n');
  closeSync(fd);
}

async function main(): Promise<void> {
  const dataDir = tempDir('kefu-bench-large-');
  const config = configFromObject({
    data_dir: dataDir,
    log: { level: 'silent' },
    attachments: { max_size_mb: 100 },
    channels: { email: [{ name: 'support', address: 'support@example.com' }] },
  });
  const ctx = await createContext(config, createLogger('silent', { pretty: false }));
  const channel = config.channels.email[0];
  if (!channel) throw new Error('no channel');
  // A small mail first, so the parse worker and every lazy module are loaded before the baseline.
  await ingestRawEmail(ctx, channel, Buffer.from('From: a@example.org\r\nSubject: warm\r\nMessage-ID: <warm@x>\r\n\r\nhi\r\n'), { inline: false });
  const file = path.join(dataDir, 'large.eml');
  writeLargeMail(file, SIZE_MB);
  global.gc?.();
  const idle = process.memoryUsage().rss;
  // The mail in memory, as the MTA pipe or an upload hands it over: part of the figure.
  let raw: Buffer | null = readFileSync(file);
  const size = raw.length;
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = Date.now();
  const result = await ingestRawEmail(ctx, channel, raw);
  raw = null;
  peak = Math.max(peak, process.memoryUsage().rss);
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const stored = await ctx.db.selectFrom('message_attachments').select('attachment_id').where('message_id', '=', result.messageId ?? -1).execute();
  if (stored.length !== 2) throw new Error(`expected 2 attachments stored, got ${stored.length}`);
  report([
    { name: 'mail size', value: mb(size), unit: 'MB' },
    { name: 'peak RSS', value: mb(peak), unit: 'MB' },
    { name: 'RSS rise over idle (the mail itself included)', value: mb(peak - idle), unit: 'MB' },
    { name: 'rise / mail size', value: (peak - idle) / size, unit: 'x', target: '< 3' },
    { name: 'ingest time', value: seconds, unit: 's' },
  ]);
  await ctx.close();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
