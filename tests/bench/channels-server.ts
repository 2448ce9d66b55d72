/**
 * The server half of the webhook intake benchmark, in its own process so the load generator does not
 * share its event loop: a real Kefu with one API channel and one Telegram bot, listening on loopback.
 * Prints `READY {...}` once listening.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../server/app.js';
import { configFromObject } from '../../server/config/load.js';
import { createContext } from '../../server/context.js';
import { startCheckpointer } from '../../server/db/checkpointer.js';
import { createLogger } from '../../server/logger.js';
import { sqliteOf } from '../helpers/sqlite-handle.js';

export const BENCH_API_SECRET = 'bench-api-secret-0123456789';
export const BENCH_TG_SECRET = 'bench-telegram-secret';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kefu-bench-channels-'));
const config = configFromObject({
  data_dir: dir,
  log: { level: 'silent' },
  channels: {
    api: [{ name: 'app', secret: BENCH_API_SECRET, callback_url: 'http://127.0.0.1:9/unused' }],
    telegram: [{ name: 'bot', bot_token: '1:bench', webhook_secret: BENCH_TG_SECRET, api_base_url: 'http://127.0.0.1:9' }],
  },
});
const ctx = await createContext(config, createLogger('silent', { pretty: false }));
const checkpointer = startCheckpointer(sqliteOf(ctx.database), { logger: ctx.logger });
const app = await buildApp(ctx, { webRoot: null });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as AddressInfo;
process.on('message', (m) => {
  if (m === 'usage') {
    const cpu = process.cpuUsage();
    process.send?.({ rss: process.memoryUsage().rss, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
});
process.on('SIGTERM', () => {
  void (async () => {
    await app.close();
    checkpointer.stop();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
console.log(`READY ${JSON.stringify({ port })}`);
